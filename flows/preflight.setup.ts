// Preflight (setup project): the configuration is valid and every part of the target answers before any flow runs.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { test as setup, expect } from '../fixtures';
import { DbProbes, loadProfile, dbUrlFor, PROBE_PG_TIMEOUTS } from '../clients/probes';
import { pgClientConfig, type TargetConfig } from '../helpers/config/config';
import { ConfigError, InfrastructureUnreachable, withoutCredentials } from '../helpers/errors';
import { redactDeep } from '../helpers/redact';
import { redactorFromEnv } from '../helpers/config/secrets';
import { kafkaProblem, missingTopicsProblem, postgresProblem, redisProblem } from '../helpers/config/misconfig';
import { certificateProblem } from '../helpers/transport';
import type { Contracts } from '../contracts';
import { evidenceAttachment } from '../helpers/verdict/evidence';
import { HEALTH_EVIDENCE, judgeHealth, type HealthCheck } from '../helpers/verdict/health';
import { jwtPositiveControl } from '../clients/auth-probes';
import { BodyOverCap, describeOverCap, readCapped } from '../helpers/body';
import { CLEANUP_ATTACHMENT } from '../clients/cleanup';
import type { KafkaFixtures } from '../fixtures/kafka';
import type { DatabaseFixtures } from '../fixtures/databases';
import type { RedisFixtures } from '../fixtures/redis';

// Preflight sends the target nothing a flow would: no wire check, so it joins no observer before it has named what is wrong.
setup.use({ wireCheck: false });

type TestInfo = ReturnType<typeof setup.info>;
type Redact = (text: string) => string;

setup('preflight: configuration valid, target reachable', async ({ target, contract, kafkaAdmin, postgres, redisConnection }, testInfo) => {
  // Health bodies and the gateway's address are the target's answers: redacted (and capped) before they are attached.
  const redact = redactorFromEnv(process.env);
  await testInfo.attach('target', { body: JSON.stringify(redactDeep({ name: target.name, kongUrl: withoutCredentials(target.kong.url), runId: target.runId, profile: target.profile }, redact), null, 2), contentType: 'application/json' });
  // Before anything touches the target: a cleanup statement that could delete what the run did not make stops the run (exit 2).
  await setup.step(`the probe profile's cleanup deletes only by the test's own ids — ${target.profile}`, async () => void (await loadProfile(target.profile)));

  const kongCa = target.kong.caFile ? readFileSync(target.kong.caFile, 'utf8') : undefined;
  const gateway = new Agent(kongCa ? { connect: { ca: kongCa } } : {});
  const gatewayCertProblem = await gatewayAnswers(target, gateway, testInfo);
  await setup.step('Kafka answers and the frozen topics exist', () => kafkaAnswers(target, contract, kafkaAdmin));
  await setup.step('every database the probes use answers', () => databasesAnswer(target, postgres));
  await setup.step('Redis answers', () => redisAnswers(target, redisConnection));
  await servicesHealthy(target, contract, gateway, gatewayCertProblem, redact, testInfo);
  await gateway.close();
  await signingKeyAccepted(target, contract, gatewayCertProblem, redact, testInfo);
});

/**
 * The gateway answers. Its certificate is criterion 4's to judge (the transport project): one that does not verify is
 * said from the TLS error alone and returned; nothing is sent again without verification (KONG_EXTRA_HEADERS usually
 * carries the staging API key), so the health checks and the JWT control do not run and the rest of preflight goes on.
 */
async function gatewayAnswers(target: TargetConfig, gateway: Agent, testInfo: TestInfo): Promise<string | undefined> {
  let gatewayCertProblem: string | undefined;
  await setup.step(`gateway answers — GET ${withoutCredentials(target.kong.url)}`, async () => {
    try {
      await request(target.kong.url, { method: 'GET', headers: target.kong.extraHeaders, headersTimeout: target.budgets.stepMs, dispatcher: gateway }).then((r) => r.body.dump());
    } catch (err: any) {
      const problem = certificateProblem(err);
      if (!problem) throw new InfrastructureUnreachable('gateway', target.kong.url, `${err.code ?? ''} ${err.message}`.trim());
      gatewayCertProblem = problem;
      testInfo.annotations.push({ type: 'gateway certificate', description: `${problem}: criterion 4 fails (transport project); nothing is sent to the gateway without verifying it` });
    }
  });
  return gatewayCertProblem;
}

async function kafkaAnswers(target: TargetConfig, c: Contracts, kafkaAdmin: KafkaFixtures['kafkaAdmin']): Promise<void> {
  let topics: string[] = [];
  try {
    topics = await (await kafkaAdmin({ retries: 2 })).listTopics();
  } catch (err: any) {
    throw kafkaProblem(target.kafka.brokers, err);
  }
  const missing = c.topics.filter((t) => !topics.some((n) => c.topicFor(n) === t)).map((t) => t.name);
  const problem = missingTopicsProblem(target.kafka.brokers, missing);
  if (problem) throw problem;
}

async function databasesAnswer(target: TargetConfig, postgres: DatabaseFixtures['postgres']): Promise<void> {
  const keys = new DbProbes(await loadProfile(target.profile), () => undefined).envKeys();
  // Every database at once, so one run names every wrong URL.
  const problems = await Promise.all(
    keys.map(async (key) => {
      const url = dbUrlFor(target, key);
      if (!url) return new ConfigError([`${key} is not configured but the profile's probes use it`]);
      try {
        await (await postgres({ ...pgClientConfig(url, target), ...PROBE_PG_TIMEOUTS, connectionTimeoutMillis: target.budgets.stepMs })).query('SELECT 1');
        return undefined;
      } catch (err: any) {
        return postgresProblem(key, url, err) ?? new InfrastructureUnreachable('postgres', key, `${err.code ?? ''} ${err.message}`.trim());
      }
    }),
  );
  const config = problems.filter((p): p is ConfigError => p instanceof ConfigError);
  if (config.length) throw new ConfigError(config.flatMap((p) => p.problems));
  const unreachable = problems.find((p) => p !== undefined);
  if (unreachable) throw unreachable;
}

async function redisAnswers(target: TargetConfig, redisConnection: RedisFixtures['redisConnection']): Promise<void> {
  const redis = await redisConnection();
  try {
    if (redis.connectError) throw redis.connectError;
    expect(await redis.client.ping()).toBe('PONG');
  } catch (err: any) {
    // ioredis reports a refused AUTH (WRONGPASS/NOAUTH) as an 'error' event, then rejects connect() with "Connection is closed".
    const refused = redis.firstError();
    throw redisProblem(target.redis.url, refused ?? err) ?? redisProblem(target.redis.url, err) ?? new InfrastructureUnreachable('redis', 'REDIS_URL', err.message);
  }
}

/** Criterion 10's evidence: every P0 service's health answer; silence or a non-200 stops the run as unreachable. */
async function servicesHealthy(target: TargetConfig, c: Contracts, gateway: Agent, gatewayCertProblem: string | undefined, redact: Redact, testInfo: TestInfo): Promise<void> {
  const healthStep = 'every P0 service answers status ok on its health endpoint (criterion 10) — GET /health/{service}';
  await setup.step(healthStep, async () => {
    // An unverified gateway's answers are no evidence, and asking would send KONG_EXTRA_HEADERS to it: criterion 10 stays not-run.
    if (gatewayCertProblem) {
      testInfo.annotations.push({ type: 'health', description: `not run: the gateway's certificate does not verify (${gatewayCertProblem})` });
      return;
    }
    const checks = await Promise.all(c.p0Services().map((s) => healthOf(c, target, gateway, s.name, s.health)));
    const bad = checks.filter((h) => !h.ok);
    const a = evidenceAttachment({
      kind: 'probe',
      name: HEALTH_EVIDENCE,
      step: healthStep,
      summary: redact(`${checks.length - bad.length} of ${checks.length} P0 services healthy${bad.length ? `; not: ${bad.map((h) => `${h.service} (${h.problem})`).join(', ')}` : ''}`),
      data: redactDeep(checks, redact),
    });
    await testInfo.attach(a.name, { body: a.body, contentType: a.contentType });
    // Silence or a non-200 means the target is not there to test; a 200 that says "degraded" is criterion 10's to fail,
    // and the flows still run so the verdict shows everything else too.
    const down = bad.filter((h) => h.status !== 200);
    if (down.length) throw new InfrastructureUnreachable('P0 services', target.kong.url, down.map((h) => `${h.service}: ${h.path} ${h.problem}`).join('; '));
  });
}

/** Positive control of the auth probes: the signing key they forge with is one the target accepts. */
async function signingKeyAccepted(target: TargetConfig, c: Contracts, gatewayCertProblem: string | undefined, redact: Redact, testInfo: TestInfo): Promise<void> {
  const controlStep = 'a token signed with JWT_TEST_SIGNING_KEY for a real login is accepted — GET /api/v1/assets';
  await setup.step(controlStep, async () => {
    // The flows' client verifies the gateway's certificate, so with one that does not verify no probe can run either;
    // criterion 4 fails and the auth-bypass project fails on its own, never GO.
    if (gatewayCertProblem) {
      testInfo.annotations.push({ type: 'JWT positive control', description: `not run: the gateway's certificate does not verify (${gatewayCertProblem})` });
      return;
    }
    const r = await jwtPositiveControl(target, c);
    // A platform that cannot register or log in is the flows' failure to report, at their own steps, not a bad key.
    if (r.notRun) testInfo.annotations.push({ type: 'JWT positive control', description: `not run (${r.notRun}); each auth-bypass test checks the key with its own login before probing` });
    const summary = r.notRun
      ? `${r.route}: not run, ${r.notRun}; each auth-bypass test checks JWT_TEST_SIGNING_KEY with its own login`
      : `${r.route}: login token ${r.loginStatus}, same claims signed with JWT_TEST_SIGNING_KEY ${r.mintedStatus} (target signs ${r.alg ?? 'unknown'})`;
    const a = evidenceAttachment({ kind: 'probe', name: 'jwt.positive-control', step: controlStep, summary: redact(summary), data: redactDeep(r, redact) });
    await testInfo.attach(a.name, { body: a.body, contentType: a.contentType });
    if (r.cleanupNotes.length) await testInfo.attach(CLEANUP_ATTACHMENT, { body: JSON.stringify({ notes: r.cleanupNotes }), contentType: 'application/json' });
  });
}

async function healthOf(c: Contracts, target: TargetConfig, gateway: Agent, service: string, path: string): Promise<HealthCheck> {
  const started = Date.now();
  try {
    const res = await request(`${target.kong.url.replace(/\/$/, '')}${path}`, { headers: target.kong.extraHeaders, headersTimeout: target.budgets.stepMs, bodyTimeout: target.budgets.stepMs, dispatcher: gateway });
    let text: string;
    try {
      text = await readCapped(res.body, res.headers['content-length'], target.maxBodyBytes);
    } catch (err) {
      if (!(err instanceof BodyOverCap)) throw err;
      return { service, path, status: res.statusCode, latencyMs: Date.now() - started, ok: false, problem: `${res.statusCode} with ${describeOverCap(err.over)} (FLOWGATE_MAX_BODY_BYTES)` };
    }
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: judged as the text it is
    }
    return judgeHealth(c, { service, path, status: res.statusCode, latencyMs: Date.now() - started, body });
  } catch (err: any) {
    return { service, path, latencyMs: Date.now() - started, ok: false, problem: String(err.code ?? err.message) };
  }
}
