// npm run doctor -- --target: each part of a configured target checked without running a flow — reachable, TLS verified, credentials accepted, the contract's topics there — one line each.
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { Agent, request } from 'undici';
import { DbProbes, PROBE_PG_TIMEOUTS, createRedis, dbUrlFor, loadProfile } from '../clients/probes';
import { kafkaAdmin } from '../clients/kafka-admin';
import { contracts } from '../contracts';
import { pgClientConfig, redisOptions, type TargetConfig } from '../helpers/config/config';
import { kafkaProblem, missingTopicsProblem, postgresProblem, redisProblem } from '../helpers/config/misconfig';
import { ConfigError, withoutCredentials } from '../helpers/errors';
import { certificateProblem } from '../helpers/transport';

export interface Check {
  name: string;
  ok: boolean;
  /** what was found (ok) or what is wrong and which variable to fix (not ok) */
  detail: string;
}

const pass = (name: string, detail: string): Check => ({ name, ok: true, detail });
const fail = (name: string, detail: string): Check => ({ name, ok: false, detail });
/** A check's failure as the preflight words it: a ConfigError's problems (naming the variable), else the message. */
const said = (err: any): string => (err instanceof ConfigError ? err.problems.join('; ') : String(err?.message ?? err)).split('\n')[0].slice(0, 400);

/** The gateway: it answers over TLS that verifies (KONG_CA_FILE or the system store), and takes KONG_EXTRA_HEADERS. */
export async function gatewayChecks(target: TargetConfig): Promise<Check[]> {
  const url = withoutCredentials(target.kong.url);
  if (!/^https:/i.test(target.kong.url)) return [fail('gateway TLS', `KONG_URL is ${url}: plain HTTP, so criterion 4 fails; use the gateway's https:// address`)];
  const agent = new Agent(target.kong.caFile ? { connect: { ca: readFileSync(target.kong.caFile, 'utf8') } } : {});
  const get = (path: string) => request(`${target.kong.url.replace(/\/$/, '')}${path}`, { headers: target.kong.extraHeaders, headersTimeout: target.budgets.stepMs, bodyTimeout: target.budgets.stepMs, dispatcher: agent });
  try {
    const root = await get('/');
    await root.body.dump();
    const out = [pass('gateway TLS', `${url} answers (${root.statusCode}) and its certificate verifies${target.kong.caFile ? ' against KONG_CA_FILE' : ''}`)];
    // A P0 service's health route through the gateway: 401/403 there means the gateway refused KONG_EXTRA_HEADERS.
    const health = contracts().p0Services()[0]?.health ?? '/health';
    const h = await get(health);
    await h.body.dump();
    if (h.statusCode === 401 || h.statusCode === 403) out.push(fail('gateway credentials', `GET ${health} → ${h.statusCode}: the gateway refused the request${Object.keys(target.kong.extraHeaders).length ? ' with KONG_EXTRA_HEADERS; check them' : '; it needs KONG_EXTRA_HEADERS (an API key?)'}`));
    else out.push(pass('gateway credentials', `GET ${health} → ${h.statusCode}`));
    return out;
  } catch (err: any) {
    const cert = certificateProblem(err);
    if (cert) return [fail('gateway TLS', `${url}: ${cert}; set KONG_CA_FILE to the CA that signed it`)];
    return [fail('gateway reachable', `${url}: ${String(err.code ?? '')} ${String(err.message)}`.trim())];
  } finally {
    await agent.close();
  }
}

/** Kafka: the brokers answer over verified TLS, take the SASL credentials, and carry every frozen topic. */
export async function kafkaChecks(target: TargetConfig): Promise<Check[]> {
  const brokers = target.kafka.brokers.join(',');
  const out: Check[] = [];
  if (!target.kafka.ssl) out.push(fail('Kafka TLS', `KAFKA_SSL is off: the brokers at ${brokers} are spoken to in plaintext, so criterion 5 fails`));
  const admin = kafkaAdmin(target, { clientId: `flowgate-doctor-${target.runId}`, retries: 1, connectTimeoutMs: target.budgets.stepMs });
  let topics: string[];
  try {
    topics = await admin.listTopics();
  } catch (err) {
    return [...out, fail('Kafka', said(kafkaProblem(target.kafka.brokers, err)))];
  } finally {
    await admin.close().catch(() => undefined);
  }
  const how = [target.kafka.ssl ? `TLS verified${target.kafka.sslCaFile ? ' against KAFKA_SSL_CA_FILE' : ''}` : 'plaintext', target.kafka.sasl ? `SASL ${target.kafka.sasl.mechanism} accepted` : 'no SASL'].join(', ');
  out.push(pass('Kafka', `${brokers} answer (${how})`));
  const c = contracts();
  const missing = c.topics.filter((t) => !topics.some((n) => c.topicFor(n) === t)).map((t) => t.name);
  const problem = missingTopicsProblem(target.kafka.brokers, missing);
  out.push(problem ? fail('Kafka topics', said(problem)) : pass('Kafka topics', `all ${c.topics.length} topics of contracts/asyncapi.yaml are there`));
  return out;
}

/** One database: it answers with its URL's credentials, over TLS. */
async function databaseCheck(target: TargetConfig, key: string): Promise<Check> {
  const url = dbUrlFor(target, key);
  if (!url) return fail(key, `not set, but the probe profile's probes use it`);
  const client = new Client({ ...pgClientConfig(url, target), ...PROBE_PG_TIMEOUTS, connectionTimeoutMillis: target.budgets.stepMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const r = await client.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    const tls = r.rows[0]?.ssl === true;
    return tls ? pass(key, 'answers over TLS, credentials accepted') : fail(key, 'answers without TLS: set ?sslmode=verify-full (criterion 6, P0-06)');
  } catch (err: any) {
    return fail(key, said(postgresProblem(key, url, err) ?? err));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Every database the probe profile reads, at once (each its own line). */
export async function databaseChecks(target: TargetConfig): Promise<Check[]> {
  const keys = new DbProbes(await loadProfile(target.profile), () => undefined).envKeys();
  return Promise.all(keys.map((k) => databaseCheck(target, k)));
}

/** Redis: it answers PING with REDIS_URL's credentials, over TLS (rediss://). */
export async function redisCheck(target: TargetConfig): Promise<Check> {
  const redis = createRedis(redisOptions(target));
  let refused: Error | undefined;
  redis.on('error', (e) => (refused ??= e));
  try {
    await redis.connect();
    const pong = await redis.ping();
    if (pong !== 'PONG') return fail('REDIS_URL', `PING answered ${JSON.stringify(String(pong).slice(0, 40))}`);
    return /^rediss:/i.test(target.redis.url) ? pass('REDIS_URL', 'answers over TLS, credentials accepted') : fail('REDIS_URL', 'answers without TLS: use rediss:// (criterion 6)');
  } catch (err: any) {
    return fail('REDIS_URL', said(redisProblem(target.redis.url, refused ?? err) ?? redisProblem(target.redis.url, err) ?? err));
  } finally {
    redis.disconnect();
  }
}

/** Every check of the target, the parts side by side. */
export async function targetChecks(target: TargetConfig): Promise<Check[]> {
  const [gateway, kafka, dbs, redis] = await Promise.all([gatewayChecks(target), kafkaChecks(target), databaseChecks(target).catch((e) => [fail('databases', said(e))]), redisCheck(target)]);
  return [...gateway, ...kafka, ...dbs, redis];
}

/** `OK   name: detail` / `FAIL name: detail`. */
export const checkLine = (c: Check, redact: (s: string) => string = (s) => s): string => `${c.ok ? 'OK  ' : 'FAIL'} ${c.name}: ${redact(c.detail)}`;
