// The embedded stack end to end on real processes: health through the gateway, the contract's topics, the control port, the CLI, and a stop that leaves nothing behind.
import { test, expect } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import { pgClientConfig } from '../helpers/config/config';
import { kafkaPlaintextProbe, plainHttpProbe, redisPlaintextProbe, tlsHandshake } from '../clients/transport';
import { parseConventionalPorts } from '../helpers/transport';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createAdmin } from './services/common/kafka-client';
import { Client } from 'pg';
import Redis from 'ioredis';
import { contracts } from '../contracts';
import { FAULTS } from './faults';
import { DATABASE_ENV, startStack, type StackHandle } from './index';
import { groupAlive, pidAlive, waitUntil } from './infra/process';
import { openPorts, portsInEnv, stackProcessesUnder } from './stack.helpers';

const ROOT = join(__dirname, '..');
const ENV_KEYS = ['FLOWGATE_TARGET_NAME', 'KONG_URL', 'KAFKA_BROKERS', 'REDIS_URL', ...Object.values(DATABASE_ENV), 'STRIPE_WEBHOOK_SECRET', 'CAPTCHA_TEST_KEY', 'JWT_TEST_SIGNING_KEY', 'STACK_CONTROL_URL', 'FLOWGATE_SOURCE_DIR',
  // the secure stack's TLS and SASL variables, exactly staging's
  'KONG_CA_FILE', 'FLOWGATE_PUBLIC_ENDPOINTS', 'KAFKA_SSL', 'KAFKA_SSL_CA_FILE', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'REDIS_TLS_CA_FILE', 'DB_SSL_CA_FILE',
  // the ports it reserved for the conventional plaintext roles (staging leaves it unset: 80, 8000, 8001, 8444, 9092, 6379)
  'FLOWGATE_CONVENTIONAL_PORTS'];

/** fetch through the gateway, trusting the run's CA (KONG_CA_FILE) as a staging client would. */
const gwFetch = (env: Record<string, string>, url: string) => undiciFetch(url, { dispatcher: new Agent({ connect: { ca: readFileSync(env.KONG_CA_FILE, 'utf8') } }) });

test.describe('a running stack', () => {
  let stack: StackHandle;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    stack = await startStack();
    console.log(`embedded stack cold start: ${(stack.readyMs / 1000).toFixed(1)} s`);
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test('cold start is within the 30 s budget and env has exactly the documented keys', () => {
    expect(stack.readyMs).toBeLessThan(30_000);
    expect(Object.keys(stack.env).sort()).toEqual([...ENV_KEYS].sort());
    expect(stack.env.FLOWGATE_TARGET_NAME).toBe('embedded');
    expect(stack.env.STRIPE_WEBHOOK_SECRET).toMatch(/^whsec_./);
    expect(stack.env.STACK_CONTROL_URL).toBe(stack.controlUrl);
    // criterion 3 scans what the stack is built from: its source and the compose file, without tests
    expect(existsSync(join(stack.env.FLOWGATE_SOURCE_DIR, 'docker-compose.test.yml'))).toBe(true);
    expect(existsSync(join(stack.env.FLOWGATE_SOURCE_DIR, 'stack', 'services', 'email-service.ts'))).toBe(true);
    expect(existsSync(join(stack.env.FLOWGATE_SOURCE_DIR, 'stack', 'stack.test.ts'))).toBe(false);
  });

  test('every contract service answers 200 on its health route through the gateway', async () => {
    const services = contracts().services;
    expect(services.length).toBeGreaterThan(0);
    for (const s of services) {
      const res = await gwFetch(stack.env, stack.env.KONG_URL + s.health);
      expect(res.status, `${s.name} at ${s.health}`).toBe(200);
      // the gateway adds a request id, as Kong's correlation-id plugin does
      expect(res.headers.get('x-request-id'), s.name).toBeTruthy();
      await res.arrayBuffer();
    }
  });

  test('every concrete contract topic exists on the broker', async () => {
    const e = stack.env;
    const admin = createAdmin({ brokers: e.KAFKA_BROKERS.split(','), ssl: { ca: [readFileSync(e.KAFKA_SSL_CA_FILE, 'utf8')] }, sasl: { mechanism: 'scram-sha-512', username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD } }, 'stack-test');
    try {
      const topics = new Set(await admin.listTopics());
      const missing = contracts().concreteTopics().filter((t) => !topics.has(t));
      expect(missing).toEqual([]);
    } finally {
      await admin.close();
    }
  });

  test('every database URL connects as the flowgate role over verified TLS; plaintext and a wrong password are refused', async () => {
    const tls = (url: string) => pgClientConfig(url, { dbSslCaFile: stack.env.DB_SSL_CA_FILE });
    for (const key of Object.values(DATABASE_ENV)) {
      expect(stack.env[key]).toMatch(/\?sslmode=verify-full$/);
      const c = new Client(tls(stack.env[key]));
      await c.connect();
      try {
        const { rows } = await c.query('SELECT current_user AS u, current_database() AS d');
        expect(rows[0].u).toBe('flowgate');
        expect(stack.env[key].endsWith(`/${rows[0].d}?sslmode=verify-full`)).toBe(true);
        expect((await c.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0].ssl).toBe(true);
      } finally {
        await c.end();
      }
    }
    // without the password the same database refuses us
    const url = new URL(stack.env.AUTH_DB_URL);
    url.password = 'wrong';
    const bad = new Client(tls(url.toString()));
    await expect(bad.connect()).rejects.toThrow(/password authentication failed/);
    await bad.end().catch(() => {});
    const plain = new Client({ ...tls(stack.env.AUTH_DB_URL), ssl: false });
    await expect(plain.connect()).rejects.toThrow(/no pg_hba.conf entry .* no encryption/);
    await plain.end().catch(() => {});
  });

  test('Redis answers over TLS with the ACL user, refuses a wrong password, and does not speak plaintext', async () => {
    const tls = { ca: [readFileSync(stack.env.REDIS_TLS_CA_FILE, 'utf8')] };
    expect(stack.env.REDIS_URL).toMatch(/^rediss:\/\/flowgate:/);
    const r = new Redis(stack.env.REDIS_URL, { tls, lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
    expect(await r.ping()).toBe('PONG');
    r.disconnect();
    const wrong = new URL(stack.env.REDIS_URL);
    wrong.password = 'wrong';
    const w = new Redis(wrong.toString(), { tls, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    let refused = '';
    w.on('error', (e) => (refused ||= e.message));
    await expect(w.connect()).rejects.toThrow();
    expect(refused).toMatch(/WRONGPASS/);
    w.disconnect();
    // the raw protocol, so that no client-side ready check gets in the way of Redis' own answer
    const port = Number(new URL(stack.env.REDIS_URL).port);
    const answer = await new Promise<string>((resolve, reject) => {
      const sock = connect({ port, host: '127.0.0.1' }, () => sock.write('PING\r\n'));
      sock.once('data', (d) => {
        resolve(d.toString('latin1'));
        sock.destroy();
      });
      sock.once('close', () => resolve(''));
      sock.once('error', (e: any) => (e.code === 'ECONNRESET' ? resolve('') : reject(e)));
    });
    // a TLS port answers plaintext with a TLS alert or nothing, never with RESP
    expect(answer).not.toMatch(/^[+-]/);
  });

  test('the control port lists, replaces and clears faults, and rejects unknown names', async () => {
    const url = stack.controlUrl;
    const get = await (await fetch(`${url}/faults`)).json();
    expect(get.active).toEqual([]);
    expect(get.available.map((f: any) => f.name)).toEqual(FAULTS.map((f) => f.name));

    const bad = await fetch(`${url}/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults: ['no-such-fault'] }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toContain('no-such-fault');

    const put = await fetch(`${url}/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults: ['auth-login-audit-missing', 'latency:createAsset=100'] }) });
    expect(put.status).toBe(200);
    expect(stack.faults.on('auth-login-audit-missing')).toBe(true);
    expect(stack.faults.latencyFor('createAsset')).toBe(100);

    const del = await fetch(`${url}/faults`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(stack.faults.list()).toEqual([]);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    // the control port is never reachable through the gateway
    expect((await gwFetch(stack.env, `${stack.env.KONG_URL}/faults`)).status).toBe(404);
  });

  test('the transport faults switch at run time and switch back; the start-only one is refused', async () => {
    const put = (faults: string[]) => fetch(`${stack.controlUrl}/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults }) });
    const plainPort = Number(stack.env.FLOWGATE_PUBLIC_ENDPOINTS.split(',')[1].split(':')[1]);
    const kong = new URL(stack.env.KONG_URL);
    const pgPlain = async () => {
      const c = new Client({ ...pgClientConfig(stack.env.AUTH_DB_URL, {}), ssl: false });
      return c.connect().then(() => c.end().then(() => 'accepted'), (e) => `refused: ${e.message}`);
    };
    const before = { pg: await pgPlain(), plain: await plainHttpProbe('127.0.0.1', plainPort), cert: await tlsHandshake('127.0.0.1', Number(kong.port), { ca: readFileSync(stack.env.KONG_CA_FILE, 'utf8') }) };
    expect(before.pg).toMatch(/^refused/);
    expect(before.plain.outcome.kind).toBe('redirect');
    expect(before.cert.verified).toBe(true);
    expect((await put(['tls-gateway-plain-http', 'tls-gateway-wrong-host-cert', 'tls-postgres-accepts-plaintext', 'tls-redis-plaintext-port'])).status).toBe(200);
    expect(await pgPlain()).toBe('accepted');
    expect((await plainHttpProbe('127.0.0.1', plainPort)).outcome.kind).toBe('serves');
    const wrong = await tlsHandshake('127.0.0.1', Number(kong.port), { ca: readFileSync(stack.env.KONG_CA_FILE, 'utf8') });
    expect([wrong.verified, wrong.problem]).toEqual([false, expect.stringContaining('another host')]);
    expect((await put(['tls-gateway-expired-cert'])).status).toBe(200);
    expect((await tlsHandshake('127.0.0.1', Number(kong.port), { ca: readFileSync(stack.env.KONG_CA_FILE, 'utf8') })).problem).toContain('expired');
    const startOnly = await put(['tls-kafka-plaintext-listener']);
    expect(startOnly.status).toBe(400);
    expect((await startOnly.json()).error).toBe('start_only_fault');
    expect((await put([])).status).toBe(200);
    expect(await pgPlain()).toMatch(/^refused/);
    expect((await plainHttpProbe('127.0.0.1', plainPort)).outcome.kind).toBe('redirect');
    expect((await tlsHandshake('127.0.0.1', Number(kong.port), { ca: readFileSync(stack.env.KONG_CA_FILE, 'utf8') })).verified).toBe(true);
  });

  test('the hidden-port faults open a plaintext relay on their conventional port only while on; nothing listens there otherwise', async () => {
    const put = (faults: string[]) => fetch(`${stack.controlUrl}/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults }) });
    const cp = parseConventionalPorts(stack.env.FLOWGATE_CONVENTIONAL_PORTS);
    const probe = async () => ({
      http: (await plainHttpProbe('127.0.0.1', cp.http[0])).outcome.kind,
      admin: (await plainHttpProbe('127.0.0.1', cp.admin[0])).connected,
      kafka: (await kafkaPlaintextProbe('127.0.0.1', cp.kafka[0])).speaksKafka,
      redis: (await redisPlaintextProbe('127.0.0.1', cp.redis[0])).speaksRedis,
    });
    expect(await probe()).toEqual({ http: 'refused', admin: false, kafka: false, redis: false });
    expect((await put(['tls-gateway-conventional-plain-port', 'tls-gateway-admin-port', 'tls-kafka-unadvertised-plaintext', 'tls-redis-unrevealed-plaintext-port'])).status).toBe(200);
    expect(await probe()).toEqual({ http: 'serves', admin: true, kafka: true, redis: true });
    expect((await put([])).status).toBe(200);
    expect(await probe()).toEqual({ http: 'refused', admin: false, kafka: false, redis: false });
  });

  test('the control port stops a component on purpose: its port closes, the rest keeps serving', async () => {
    const brokerPort = Number(stack.env.KAFKA_BROKERS.split(':')[1]);
    const unknown = await fetch(`${stack.controlUrl}/components/zookeeper/stop`, { method: 'POST' });
    expect(unknown.status).toBe(400);
    await unknown.arrayBuffer();
    const res = await fetch(`${stack.controlUrl}/components/kafka/stop`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stopped: 'kafka' });
    expect(await openPorts([brokerPort])).toEqual([]);
    const health = await gwFetch(stack.env, `${stack.env.KONG_URL}/health/qr-auth-service`);
    expect(health.status).toBe(200);
    await health.arrayBuffer();
  });

  // runs after kafka was stopped above: a stop must also clean up a stack whose broker is already gone
  test('stop leaves no process, no open port and no temp dir; a second stop is a no-op', async () => {
    test.setTimeout(60_000);
    const pids = stack.pids();
    const ports = [...new Set([...stack.ports(), ...portsInEnv(stack.env)])];
    expect(pids.length).toBe(3);
    // everything but the broker (stopped by the test above) still listens
    const brokerPorts = stack.env.KAFKA_BROKERS.split(',').map((b) => Number(b.split(':')[1]));
    expect((await openPorts(ports)).length).toBeGreaterThanOrEqual(ports.length - brokerPorts.length - 1);
    expect(existsSync(stack.tmpDir)).toBe(true);

    const t = Date.now();
    await stack.stop();
    console.log(`stack stop (broker already gone): ${Date.now() - t} ms`);

    expect(pids.filter((p) => pidAlive(p) || groupAlive(p))).toEqual([]);
    expect(await openPorts(ports)).toEqual([]);
    expect(existsSync(stack.tmpDir)).toBe(false);
    expect(stackProcessesUnder(stack.tmpDir)).toEqual([]);
    await stack.stop();
  });
});

test.describe('npm run stack', () => {
  test('--list-faults lists every fault by name and exits 0', () => {
    const r = spawnSync('npm', ['run', '--silent', 'stack', '--', '--list-faults'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const names = r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
    for (const f of FAULTS) expect(names).toContain(f.name);
    expect(r.stdout).toContain('latency:');
  });

  test('an unknown STACK_FAULTS name exits 2 naming it, starting nothing', () => {
    const r = spawnSync('npm', ['run', '--silent', 'stack'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, STACK_FAULTS: 'auth-login-audit-missing,not-a-fault' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('not-a-fault');
    expect(r.stdout).not.toContain('KONG_URL=');
  });

  // npm itself dies on the SIGINT at once (that is npm's behaviour) and tsx relays it to the CLI, which stops the stack;
  // should tsx's relay SIGKILL the CLI on a loaded machine, the watchdog (infra/reaper.ts) still leaves nothing behind
  test('prints KEY=value lines and the ready line, and Ctrl-C stops it leaving nothing behind', async () => {
    test.setTimeout(150_000);
    await runCliUntilReadyThenSignal(['npm', 'run', '--silent', 'stack'], 'SIGINT', (code, signal) => expect(code === 130 || signal === 'SIGINT', `npm exit ${code} ${signal}`).toBe(true));
  });

  test('the CLI itself exits 143 (terminated) after SIGTERM, leaving nothing behind', async () => {
    test.setTimeout(150_000);
    // plain node with tsx's loader: the tsx binary's own signal relay may SIGKILL a child that acknowledges late (see infra/reaper.ts)
    await runCliUntilReadyThenSignal([process.execPath, '--require', './scripts/code-cache.cjs', '--require', 'tsx/cjs', 'scripts/stack.ts'], 'SIGTERM', (code) => expect(code).toBe(143), true);
  });
});

async function runCliUntilReadyThenSignal(cmd: string[], sig: NodeJS.Signals, checkExit: (code: number | null, signal: NodeJS.Signals | null) => void, cleanStop = false): Promise<void> {
  // detached: the CLI leads a process group, and Ctrl-C in a terminal signals the whole foreground group
  const child = spawn(cmd[0], cmd.slice(1), { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STACK_FAULTS: '' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (code, signal) => r([code, signal])));
  try {
    await waitUntil({
      what: `the "# Ctrl-C stops the stack" line of ${cmd.join(' ')}`,
      component: 'stack',
      timeoutMs: 90_000,
      check: async () => {
        if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${err.slice(-2000)}`);
        return out.includes('# Ctrl-C stops the stack');
      },
    });
  } catch (e) {
    try {
      process.kill(-child.pid!, 'SIGINT');
    } catch {
      // already gone
    }
    throw new Error(`${e instanceof Error ? e.message : e}\nstderr: ${err.slice(-2000)}`);
  }

  const lines = out.trim().split('\n');
  const env = Object.fromEntries(lines.filter((l) => !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  expect(Object.keys(env).sort()).toEqual([...ENV_KEYS].sort());
  expect(lines.find((l) => l.startsWith('# ready in'))).toMatch(/^# ready in \d+\.\d s$/);
  expect(lines[lines.length - 1]).toBe('# Ctrl-C stops the stack');
  const tmpDir = /temp dir (\S+)\)/.exec(err)?.[1];
  expect(tmpDir, 'the CLI logs its temp dir on stderr').toBeTruthy();
  expect(stackProcessesUnder(tmpDir!).length).toBeGreaterThanOrEqual(3);
  const ports = portsInEnv(env);
  const health = await gwFetch(env, `${env.KONG_URL}/health/qr-auth-service`);
  expect(health.status).toBe(200);
  await health.arrayBuffer();

  process.kill(-child.pid!, sig);
  const [code, signal] = await exited;
  checkExit(code, signal);
  // the whole group (npm, sh, tsx, the CLI) is gone only once the CLI finished its stop
  await waitUntil({ what: `process group ${child.pid} to be gone after ${sig}`, component: 'stack', timeoutMs: 60_000, check: async () => !groupAlive(child.pid!) });
  expect(existsSync(tmpDir!)).toBe(false);
  expect(stackProcessesUnder(tmpDir!)).toEqual([]);
  expect(await openPorts(ports)).toEqual([]);
  if (cleanStop) expect(err).toContain('stack: kafka stopped');
}
