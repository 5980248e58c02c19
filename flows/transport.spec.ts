// Criteria 4, 5, 6 and P0-06 by connection tests (compliance matrix §7: "curl -k test against Kong + all public ports", "config audit + connection test").
import { readFileSync } from 'node:fs';
import { test, expect } from '../fixtures';
import { PROBE_PG_TIMEOUTS } from '../clients/probes';
import { pgClientConfig, defaultEndpoint, DB_VARS, type TargetConfig } from '../helpers/config/config';
import type { KafkaFixtures } from '../fixtures/kafka';
import type { DatabaseFixtures } from '../fixtures/databases';
import { evidenceAttachment, type TransportEvidence } from '../helpers/verdict/evidence';
import { gapTag } from '../contracts/p0-gaps';
import { criterionTag } from '../helpers/verdict/criteria';
import { redactDeep } from '../helpers/redact';
import { addCandidate, joinHostPort, kafkaCandidates, parseListeners, servesPlainHttp, splitHostPort, unseenReason, type Candidate } from '../helpers/transport';
import { adminPortProbe, kafkaPlaintextProbe, pgPlaintextProbe, plainHttpProbe, redisPlaintextProbe, tlsHandshake } from '../clients/transport';

type Recorder = (step: string, e: TransportEvidence) => Promise<void>;

/** Evidence for one endpoint, filed under its step, plus an Allure label per criterion tag (as the flows have). */
function recorder(testInfo: ReturnType<typeof test.info>, redact: (s: string) => string): Recorder {
  return async (step, e) => {
    const a = evidenceAttachment({ kind: 'transport', step, name: e.gap ?? e.endpoint, summary: redact(`${e.ok ? 'ok' : 'FAIL'} ${e.endpoint}: ${e.answered}`), data: redactDeep(e, redact) });
    await testInfo.attach(a.name, { body: redact(a.body), contentType: a.contentType });
    console.log(redact(`[transport] ${step.split(' — ')[0]} ↳ ${e.ok ? 'ok' : 'FAIL'} ${e.endpoint}: ${e.answered}${e.tlsVersion ? ` (${e.tlsVersion}, ${e.cipher})` : ''}`));
  };
}


const caOf = (f?: string) => (f ? readFileSync(f, 'utf8') : undefined);

// Checks, not flows: a minute each, whatever FLOWGATE_FLOW_BUDGET_MS gives the flows they share the gate's workers with.
test.describe.configure({ timeout: 60_000 });

test.describe('transport', () => {
  test('4. TLS enforced on the gateway and every public endpoint', { tag: [criterionTag(4)] }, async ({ target, redact }, testInfo) => {
    const record = recorder(testInfo, redact);
    const kong = new URL(target.kong.url);
    const where = defaultEndpoint(target.kong.url);
    // Every plaintext attempt starts at once, bounded by a short connect timeout: closed ports refuse at once.
    const kongHost = kong.hostname.replace(/^\[|\]$/g, '');
    const plainTargets: Candidate[] = [];
    for (const ep of target.publicEndpoints) addCandidate(plainTargets, ep, 'a public endpoint');
    for (const p of target.conventionalPorts.http) addCandidate(plainTargets, joinHostPort(kongHost, p), "a conventional plain-HTTP port of the gateway's host");
    const adminTargets = target.conventionalPorts.admin.map((p) => ({ endpoint: joinHostPort(kongHost, p), source: "a conventional admin API port of the gateway's host" }));
    const plainProbes = Promise.all(plainTargets.map(async (c) => ({ ...c, ...(await plainHttpProbe(splitHostPort(c.endpoint).host, splitHostPort(c.endpoint).port)) })));
    const adminProbes = Promise.all(adminTargets.map(async (c) => ({ ...c, ...(await adminPortProbe(splitHostPort(c.endpoint).host, splitHostPort(c.endpoint).port)) })));
    const title41 = `4.1. KONG_URL is https and its certificate verifies — TLS ${where}`;
    await test.step(title41, async () => {
      const title = title41;
      if (kong.protocol !== 'https:') {
        await record(title, { endpoint: where, tried: `KONG_URL ${kong.protocol}//${where}`, answered: 'KONG_URL is not https: the gateway is used in plaintext', ok: false });
        expect.soft(kong.protocol, `KONG_URL must be https:// (criterion 4), it is ${kong.protocol}//${where}`).toBe('https:');
        return;
      }
      const { host, port } = splitHostPort(where);
      const a = await tlsHandshake(host, port, { ca: caOf(target.kong.caFile) });
      await record(title, { endpoint: where, tried: `TLS handshake verifying the certificate against ${target.kong.caFile ? 'KONG_CA_FILE' : 'the system store'} and the host ${host}`, answered: a.verified ? `verified (${a.subjectAltName}, valid to ${a.validTo})` : (a.problem ?? 'no TLS'), ok: a.verified, tlsVersion: a.tlsVersion, cipher: a.cipher });
      expect.soft(a.verified, `the gateway's certificate at ${where} must verify: ${a.problem}`).toBe(true);
    });
    for (const r of await plainProbes) {
      const title = `4.2. ${r.endpoint} does not serve plain HTTP (${r.source}) — plain HTTP ${r.endpoint}`;
      await test.step(title, async () => {
        const ok = !servesPlainHttp(r.outcome);
        await record(title, { endpoint: r.endpoint, tried: r.tried, answered: `${r.outcome.kind}: ${r.outcome.detail}; raw: ${r.answered}`, ok });
        expect.soft(ok, `${r.endpoint} (${r.source}) answers plain HTTP: ${r.outcome.detail}`).toBe(true);
      });
    }
    for (const r of await adminProbes) {
      const title = `4.3. ${r.endpoint} takes no connection (${r.source}) — admin ${r.endpoint}`;
      await test.step(title, async () => {
        await record(title, { endpoint: r.endpoint, tried: r.tried, answered: r.answered, ok: r.ok });
        expect.soft(r.ok, `${r.endpoint} (${r.source}): ${r.answered}`).toBe(true);
      });
    }
  });

  test('5. Kafka SSL for every producer and consumer', { tag: [criterionTag(5)] }, async ({ target, redact, kafkaAdmin }, testInfo) => {
    const record = recorder(testInfo, redact);
    const brokers = target.kafka.brokers.join(',');
    const advertised = await test.step(`5.1. The observer's connection is TLS${target.kafka.sasl ? ' and SASL' : ''} — ${brokers}`, async () => {
      const title = `5.1. The observer's connection is TLS${target.kafka.sasl ? ' and SASL' : ''} — ${brokers}`;
      if (!target.kafka.ssl) {
        await record(title, { endpoint: brokers, tried: 'the observer configuration', answered: 'KAFKA_SSL is false: producers and consumers would connect in plaintext', ok: false });
        expect.soft(target.kafka.ssl, 'KAFKA_SSL must be true (criterion 5)').toBe(true);
      }
      const found = await kafkaMetadata(target, kafkaAdmin);
      for (const b of target.kafka.brokers) {
        const { host, port } = splitHostPort(b);
        const a = target.kafka.ssl ? await tlsHandshake(host, port, { ca: caOf(target.kafka.sslCaFile) }) : undefined;
        const ok = !!a?.verified;
        await record(title, { endpoint: b, tried: `Kafka admin over ${target.kafka.ssl ? 'TLS' : 'PLAINTEXT'}${target.kafka.sasl ? ` with SASL ${target.kafka.sasl.mechanism}` : ''}: cluster metadata`, answered: `${found.brokers.length} broker(s) in the metadata; ${a ? (a.verified ? 'certificate verified' : a.problem) : 'no TLS'}`, ok, tlsVersion: a?.tlsVersion, cipher: a?.cipher });
        expect.soft(ok, `the broker ${b} must be reached over verified TLS${a?.problem ? `: ${a.problem}` : ''}`).toBe(true);
      }
      if (found.auditNote) await record(title, { endpoint: brokers, tried: 'config audit: describeConfigs listeners/advertised.listeners of every broker', answered: found.auditNote, ok: true });
      return found;
    });
    // what the services may use, not only what the harness is shown: every listener, and plaintext on each broker host's ports
    const candidates = kafkaCandidates({ advertised: advertised.brokers, configured: advertised.configured, hosts: target.kafka.brokers.map((b) => splitHostPort(b).host), conventional: target.conventionalPorts.kafka });
    const probes = await Promise.all(candidates.map(async (c) => ({ ...c, ...(await kafkaPlaintextProbe(splitHostPort(c.endpoint).host, splitHostPort(c.endpoint).port)) })));
    for (const r of probes) {
      const title = `5.2. ${r.endpoint} (${r.source}) does not speak Kafka in plaintext — PLAINTEXT ${r.endpoint}`;
      await test.step(title, async () => {
        await record(title, { endpoint: r.endpoint, tried: r.tried, answered: r.answered, ok: !r.speaksKafka });
        expect.soft(r.speaksKafka, `${r.endpoint} answers Kafka in plaintext (${r.source})`).toBe(false);
      });
    }
    const unseen = probes.some((r) => r.speaksKafka) ? undefined : unseenReason({ what: "the brokers' listeners (describeConfigs)", configRead: advertised.configRead, configError: advertised.configError, tried: candidates.map((c) => c.endpoint) });
    if (unseen) {
      const title = `5.3. Every listener the services may use was seen — ${brokers}`;
      await test.step(title, () => record(title, { endpoint: brokers, tried: 'describeConfigs, then plaintext on every advertised and conventional port of each broker host', answered: unseen, ok: true, unseen }));
    }
  });

  test('6. Redis TLS for every service', { tag: [criterionTag(6)] }, async ({ target, redact, redisConnection }, testInfo) => {
    const record = recorder(testInfo, redact);
    const u = new URL(target.redis.url);
    const ep = `${u.hostname}:${u.port || 6379}`;
    const { host, port } = splitHostPort(ep);
    // started at once: the URL's port and the Redis host's conventional plaintext ports, whatever CONFIG says
    const early = [port, ...target.conventionalPorts.redis.filter((p) => p !== port)].map((p) => ({ p, r: redisPlaintextProbe(host, p) }));
    const audit = await test.step(`6.1. The rediss connection works — TLS ${ep}`, async () => {
      const title = `6.1. The rediss connection works — TLS ${ep}`;
      if (u.protocol !== 'rediss:') {
        await record(title, { endpoint: ep, tried: 'REDIS_URL', answered: 'REDIS_URL is redis://: clients connect in plaintext', ok: false });
        expect.soft(u.protocol, 'REDIS_URL must be rediss:// (criterion 6)').toBe('rediss:');
        return { configRead: true };
      }
      const a = await tlsHandshake(host, port, { ca: caOf(target.redis.tlsCaFile) });
      const { client: redis, connectError } = await redisConnection();
      let answered: string;
      let plainPort: number | undefined;
      let configError: string | undefined = 'no rediss connection';
      try {
        if (connectError) throw connectError;
        answered = `PING → ${await redis.ping()}`;
        // config audit: a plaintext port beside tls-port is a hole even when the URL's port is TLS-only
        const conf = await redis.config('GET', 'port').catch((e: Error) => e);
        if (Array.isArray(conf)) plainPort = Number(conf[1]) || undefined;
        configError = Array.isArray(conf) ? undefined : String(conf.message).split('\n')[0].slice(0, 200);
        answered += Array.isArray(conf) ? `; CONFIG GET port → ${conf[1]}` : `; CONFIG GET port not permitted (${configError}): the audit rests on the connection tests of the conventional ports`;
      } catch (e: any) {
        answered = `rediss connection failed: ${e.message}`;
      }
      const ok = a.verified && answered.startsWith('PING → PONG');
      await record(title, { endpoint: ep, tried: `TLS handshake against ${target.redis.tlsCaFile ? 'REDIS_TLS_CA_FILE' : 'the system store'}, then PING over rediss`, answered: `${a.verified ? 'certificate verified' : a.problem}; ${answered}`, ok, tlsVersion: a.tlsVersion, cipher: a.cipher });
      expect.soft(ok, `the rediss connection to ${ep} must verify and answer PONG: ${a.problem ?? answered}`).toBe(true);
      return { plainPort, configRead: !configError, configError };
    });
    const probes = [...early, ...(audit.plainPort && !early.some((x) => x.p === audit.plainPort) ? [{ p: audit.plainPort, r: redisPlaintextProbe(host, audit.plainPort) }] : [])];
    const why = (p: number) => (p === port ? 'the URL’s port' : p === audit.plainPort ? 'its configured plaintext port' : 'a conventional Redis port of its host');
    const results: boolean[] = [];
    for (const { p, r: pending } of probes) {
      const at = joinHostPort(host, p);
      const title = `6.2. ${at} refuses plaintext Redis (${why(p)}) — PLAINTEXT ${at}`;
      await test.step(title, async () => {
        const r = await pending;
        results.push(r.speaksRedis);
        await record(title, { endpoint: at, tried: r.tried, answered: r.answered, ok: !r.speaksRedis });
        expect.soft(r.speaksRedis, `${at} answers Redis in plaintext (${why(p)})`).toBe(false);
      });
    }
    const unseen = results.some(Boolean) ? undefined : unseenReason({ what: 'the Redis server’s ports (CONFIG GET port)', configRead: audit.configRead, configError: audit.configError, tried: probes.map((x) => joinHostPort(host, x.p)) });
    if (unseen) {
      const title = `6.3. Every port the services may use was seen — ${ep}`;
      await test.step(title, () => record(title, { endpoint: ep, tried: 'CONFIG GET port, then plaintext PING on the URL’s port and the conventional Redis ports', answered: unseen, ok: true, unseen }));
    }
  });

  test('P0-06. PostgreSQL connections are TLS and plaintext is refused', { tag: [gapTag('P0-06')] }, async ({ target, redact, postgres }, testInfo) => {
    const record = recorder(testInfo, redact);
    // one check per server: the databases of one server share its pg_hba.conf
    const servers = new Map<string, { envKey: string; url: string }>();
    for (const [key, envKey] of Object.entries(DB_VARS)) {
      const url = target.db[key as keyof typeof DB_VARS];
      if (!url) continue;
      const u = new URL(url);
      const ep = `${u.hostname}:${u.port || 5432}`;
      if (!servers.has(ep)) servers.set(ep, { envKey, url });
    }
    for (const [ep, { envKey, url }] of servers) {
      const title = `P0-06. ${envKey}'s server speaks TLS only — ${ep}`;
      await test.step(title, async () => {
        const tls = await pgTls(url, target, postgres);
        await record(title, { endpoint: ep, tried: `${envKey} as configured (sslmode ${new URL(url).searchParams.get('sslmode') ?? 'unset'}), then pg_stat_ssl`, answered: tls.answered, ok: tls.ok, tlsVersion: tls.version, cipher: tls.cipher });
        expect.soft(tls.ok, `${envKey} must connect over TLS: ${tls.answered}`).toBe(true);
        // never the configured user and password: they would travel in clear to a server that accepts plaintext
        const plain = await pgPlaintextProbe(url);
        await record(title, { endpoint: ep, tried: `${envKey}'s server: ${plain.tried}`, answered: plain.answered, ok: plain.accepted === false, ...(plain.accepted ? { gap: 'P0-06' } : {}) });
        expect.soft(plain.accepted, `P0-06: ${ep} ${plain.accepted ? 'accepts plaintext connections' : 'did not show that it refuses plaintext'} (${plain.answered})`).toBe(false);
      });
    }
  });
});

async function kafkaMetadata(target: TargetConfig, kafkaAdmin: KafkaFixtures['kafkaAdmin']): Promise<{ brokers: string[]; configured: Candidate[]; configRead: boolean; configError?: string; auditNote?: string }> {
  const admin = await kafkaAdmin({ clientId: `flowgate-transport-${target.runId}`, retries: 1 });
  const configured: Candidate[] = [];
  const cluster = await admin.cluster();
  const brokers = cluster.brokers.map((b) => `${b.host}:${b.port}`);
  try {
    const conf = await admin.brokerConfigs(cluster.brokers.map((b) => b.nodeId), ['listeners', 'advertised.listeners']);
    for (const r of conf)
      for (const e of r.entries)
        for (const l of parseListeners(e.value)) if (l.listener !== 'CONTROLLER' && !brokers.includes(l.endpoint)) addCandidate(configured, l.endpoint, `${e.name} ${l.listener} of broker ${r.nodeId}`);
    return { brokers, configured, configRead: true, auditNote: `listeners found: ${[...new Set([...brokers, ...configured.map((c) => c.endpoint)])].join(', ')}` };
  } catch (e: any) {
    const configError = String(e?.message ?? e).split('\n')[0].slice(0, 200);
    return { brokers, configured, configRead: false, configError, auditNote: `describeConfigs not permitted (${configError}): plaintext is tried on every advertised and conventional port of each broker host instead` };
  }
}

async function pgTls(url: string, target: TargetConfig, postgres: DatabaseFixtures['postgres']): Promise<{ ok: boolean; answered: string; version?: string; cipher?: string }> {
  try {
    const c = await postgres({ ...pgClientConfig(url, target), ...PROBE_PG_TIMEOUTS, connectionTimeoutMillis: 5_000 });
    const { rows } = await c.query('SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    const r = rows[0] ?? {};
    return { ok: r.ssl === true, answered: r.ssl ? `connected over TLS (pg_stat_ssl.ssl = true)` : 'connected WITHOUT TLS (pg_stat_ssl.ssl = false)', version: r.version ?? undefined, cipher: r.cipher ?? undefined };
  } catch (e: any) {
    return { ok: false, answered: `TLS connection failed: ${e.message}` };
  }
}
