// Criteria 4, 5, 6 and P0-06 by connection tests (seed §7: "curl -k test against Kong + all public ports", "config audit + connection test").
import { readFileSync } from 'node:fs';
import * as allure from 'allure-js-commons';
import { Kafka, logLevel, ConfigResourceTypes, type KafkaConfig } from 'kafkajs';
import { Client } from 'pg';
import { test, expect } from '../fixtures';
import { createRedis, PROBE_PG_TIMEOUTS } from '../fixtures/probes';
import { kafkaClientConfig, pgClientConfig, redisOptions, defaultEndpoint, DB_VARS, type TargetConfig } from '../helpers/config';
import { evidenceAttachment, type TransportEvidence } from '../helpers/evidence';
import { redactDeep } from '../helpers/redact';
import { parseListeners, splitHostPort } from '../helpers/transport';
import { kafkaPlaintextProbe, pgPlaintextProbe, plainHttpProbe, redisPlaintextProbe, tlsHandshake } from '../fixtures/transport';

type Recorder = (step: string, e: TransportEvidence) => Promise<void>;

/** Evidence for one endpoint, filed under its step, plus an Allure label per criterion tag (as the flows have). */
function recorder(testInfo: ReturnType<typeof test.info>, redact: (s: string) => string): Recorder {
  return async (step, e) => {
    const a = evidenceAttachment({ kind: 'transport', step, name: e.gap ?? e.endpoint, summary: redact(`${e.ok ? 'ok' : 'FAIL'} ${e.endpoint}: ${e.answered}`), data: redactDeep(e, redact) });
    await testInfo.attach(a.name, { body: redact(a.body), contentType: a.contentType });
    console.log(redact(`[transport] ${step.split(' — ')[0]} ↳ ${e.ok ? 'ok' : 'FAIL'} ${e.endpoint}: ${e.answered}${e.tlsVersion ? ` (${e.tlsVersion}, ${e.cipher})` : ''}`));
  };
}

async function labels(testInfo: ReturnType<typeof test.info>) {
  await allure.epic('transport');
  await allure.severity('blocker');
  await allure.story(testInfo.title);
  for (const t of testInfo.tags) if (t.startsWith('@criterion-')) await allure.label('criterion', t.slice('@criterion-'.length));
  const gapUrl = process.env.FLOWGATE_GAP_URL || 'compliance-baseline-matrix.txt#%s';
  for (const t of testInfo.tags) if (t.startsWith('@gap-')) await allure.issue(gapUrl.replace('%s', t.slice('@gap-'.length)), t.slice('@gap-'.length));
}

const caOf = (f?: string) => (f ? readFileSync(f, 'utf8') : undefined);

test.describe('transport', () => {
  test('4. TLS enforced on the gateway and every public endpoint', { tag: ['@criterion-4'] }, async ({ target, redact }, testInfo) => {
    await labels(testInfo);
    const record = recorder(testInfo, redact);
    const kong = new URL(target.kong.url);
    const where = defaultEndpoint(target.kong.url);
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
    for (const ep of target.publicEndpoints) {
      const title = `4.2. ${ep} refuses plain HTTP or only redirects it to https — plain HTTP ${ep}`;
      await test.step(title, async () => {
        const { host, port } = splitHostPort(ep);
        const r = await plainHttpProbe(host, port);
        const ok = r.outcome.kind !== 'serves';
        await record(title, { endpoint: ep, tried: r.tried, answered: `${r.outcome.detail}; raw: ${r.answered}`, ok });
        expect.soft(ok, `${ep} answers plain HTTP with content: ${r.outcome.detail}`).toBe(true);
      });
    }
  });

  test('5. Kafka SSL for every producer and consumer', { tag: ['@criterion-5'] }, async ({ target, redact }, testInfo) => {
    await labels(testInfo);
    const record = recorder(testInfo, redact);
    const brokers = target.kafka.brokers.join(',');
    const advertised = await test.step(`5.1. The observer's connection is TLS${target.kafka.sasl ? ' and SASL' : ''} — ${brokers}`, async () => {
      const title = `5.1. The observer's connection is TLS${target.kafka.sasl ? ' and SASL' : ''} — ${brokers}`;
      if (!target.kafka.ssl) {
        await record(title, { endpoint: brokers, tried: 'the observer configuration', answered: 'KAFKA_SSL is false: producers and consumers would connect in plaintext', ok: false });
        expect.soft(target.kafka.ssl, 'KAFKA_SSL must be true (criterion 5)').toBe(true);
      }
      const found = await kafkaMetadata(target);
      for (const b of target.kafka.brokers) {
        const { host, port } = splitHostPort(b);
        const a = target.kafka.ssl ? await tlsHandshake(host, port, { ca: caOf(target.kafka.sslCaFile) }) : undefined;
        const ok = !!a?.verified;
        await record(title, { endpoint: b, tried: `kafkajs admin over ${target.kafka.ssl ? 'TLS' : 'PLAINTEXT'}${target.kafka.sasl ? ` with SASL ${target.kafka.sasl.mechanism}` : ''}: describeCluster`, answered: `${found.brokers.length} broker(s) in the metadata; ${a ? (a.verified ? 'certificate verified' : a.problem) : 'no TLS'}`, ok, tlsVersion: a?.tlsVersion, cipher: a?.cipher });
        expect.soft(ok, `the broker ${b} must be reached over verified TLS${a?.problem ? `: ${a.problem}` : ''}`).toBe(true);
      }
      if (found.auditNote) await record(title, { endpoint: brokers, tried: 'config audit: describeConfigs listeners/advertised.listeners of every broker', answered: found.auditNote, ok: true });
      return found.endpoints;
    });
    for (const ep of advertised) {
      const title = `5.2. ${ep.endpoint} (${ep.source}) does not speak Kafka in plaintext — PLAINTEXT ${ep.endpoint}`;
      await test.step(title, async () => {
        const { host, port } = splitHostPort(ep.endpoint);
        const r = await kafkaPlaintextProbe(host, port);
        await record(title, { endpoint: ep.endpoint, tried: r.tried, answered: r.answered, ok: !r.speaksKafka });
        expect.soft(r.speaksKafka, `${ep.endpoint} answers Kafka in plaintext (${ep.source})`).toBe(false);
      });
    }
  });

  test('6. Redis TLS for every service', { tag: ['@criterion-6'] }, async ({ target, redact }, testInfo) => {
    await labels(testInfo);
    const record = recorder(testInfo, redact);
    const u = new URL(target.redis.url);
    const ep = `${u.hostname}:${u.port || 6379}`;
    const { host, port } = splitHostPort(ep);
    const configPort = await test.step(`6.1. The rediss connection works — TLS ${ep}`, async () => {
      const title = `6.1. The rediss connection works — TLS ${ep}`;
      if (u.protocol !== 'rediss:') {
        await record(title, { endpoint: ep, tried: 'REDIS_URL', answered: 'REDIS_URL is redis://: clients connect in plaintext', ok: false });
        expect.soft(u.protocol, 'REDIS_URL must be rediss:// (criterion 6)').toBe('rediss:');
        return undefined;
      }
      const a = await tlsHandshake(host, port, { ca: caOf(target.redis.tlsCaFile) });
      const redis = createRedis(redisOptions(target));
      redis.on('error', () => undefined);
      let answered: string;
      let plainPort: number | undefined;
      try {
        await redis.connect();
        answered = `PING → ${await redis.ping()}`;
        // config audit: a plaintext port beside tls-port is a hole even when the URL's port is TLS-only
        const conf = await redis.config('GET', 'port').catch((e: Error) => e);
        if (Array.isArray(conf)) plainPort = Number(conf[1]) || undefined;
        answered += Array.isArray(conf) ? `; CONFIG GET port → ${conf[1]}` : `; CONFIG GET port not permitted (${String(conf.message).split('\n')[0]}): the audit rests on the connection test`;
      } catch (e: any) {
        answered = `rediss connection failed: ${e.message}`;
      } finally {
        redis.disconnect();
      }
      const ok = a.verified && answered.startsWith('PING → PONG');
      await record(title, { endpoint: ep, tried: `TLS handshake against ${target.redis.tlsCaFile ? 'REDIS_TLS_CA_FILE' : 'the system store'}, then PING over rediss`, answered: `${a.verified ? 'certificate verified' : a.problem}; ${answered}`, ok, tlsVersion: a.tlsVersion, cipher: a.cipher });
      expect.soft(ok, `the rediss connection to ${ep} must verify and answer PONG: ${a.problem ?? answered}`).toBe(true);
      return plainPort;
    });
    const tried = [...new Set([port, ...(configPort ? [configPort] : [])])];
    for (const p of tried) {
      const title = `6.2. ${host}:${p} refuses plaintext Redis${p === port ? ' (the URL’s port)' : ' (its configured plaintext port)'} — PLAINTEXT ${host}:${p}`;
      await test.step(title, async () => {
        const r = await redisPlaintextProbe(host, p);
        await record(title, { endpoint: `${host}:${p}`, tried: r.tried, answered: r.answered, ok: !r.speaksRedis });
        expect.soft(r.speaksRedis, `${host}:${p} answers Redis in plaintext`).toBe(false);
      });
    }
  });

  test('P0-06. PostgreSQL connections are TLS and plaintext is refused', { tag: ['@gap-P0-06'] }, async ({ target, redact }, testInfo) => {
    await labels(testInfo);
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
        const tls = await pgTls(url, target);
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

async function kafkaMetadata(target: TargetConfig): Promise<{ brokers: string[]; endpoints: { endpoint: string; source: string }[]; auditNote?: string }> {
  const admin = new Kafka({ ...(kafkaClientConfig(target, `flowgate-transport-${target.runId}`) as KafkaConfig), logLevel: logLevel.NOTHING, retry: { retries: 1 } }).admin();
  const endpoints = new Map<string, string>();
  let auditNote: string | undefined;
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    for (const b of cluster.brokers) endpoints.set(`${b.host}:${b.port}`, `advertised in the metadata by broker ${b.nodeId}`);
    try {
      const conf = await admin.describeConfigs({ includeSynonyms: false, resources: cluster.brokers.map((b) => ({ type: ConfigResourceTypes.BROKER, name: String(b.nodeId), configNames: ['listeners', 'advertised.listeners'] })) });
      for (const r of conf.resources)
        for (const e of r.configEntries)
          for (const l of parseListeners(e.configValue)) if (l.listener !== 'CONTROLLER' && !endpoints.has(l.endpoint)) endpoints.set(l.endpoint, `${e.configName} ${l.listener} of broker ${r.resourceName}`);
      auditNote = `listeners found: ${[...endpoints.keys()].join(', ')}`;
    } catch (e: any) {
      auditNote = `describeConfigs not permitted (${e.message}): only the metadata's endpoints are tried`;
    }
    return { brokers: cluster.brokers.map((b) => `${b.host}:${b.port}`), endpoints: [...endpoints].map(([endpoint, source]) => ({ endpoint, source })), auditNote };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function pgTls(url: string, target: TargetConfig): Promise<{ ok: boolean; answered: string; version?: string; cipher?: string }> {
  const c = new Client({ ...pgClientConfig(url, target), ...PROBE_PG_TIMEOUTS, connectionTimeoutMillis: 5_000 });
  try {
    await c.connect();
    const { rows } = await c.query('SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    const r = rows[0] ?? {};
    return { ok: r.ssl === true, answered: r.ssl ? `connected over TLS (pg_stat_ssl.ssl = true)` : 'connected WITHOUT TLS (pg_stat_ssl.ssl = false)', version: r.version ?? undefined, cipher: r.cipher ?? undefined };
  } catch (e: any) {
    return { ok: false, answered: `TLS connection failed: ${e.message}` };
  } finally {
    await c.end().catch(() => undefined);
  }
}
