// Safe on a shared staging: a production target or a configuration in clear is refused before any connection (npm run smoke and npx playwright test), preflight sends nothing to a gateway it cannot verify, and the P0-06 probe never logs in as the configured user.
import { expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { DB_VARS } from '../../helpers/config/config';
import { stripAnsi } from '../../helpers/errors';
import { pgPlaintextProbe } from '../../clients/transport';
import { generateRunCertificates } from '../../stack/infra/tls';
import { test, runSmoke, targetEnv, cleanup, setFaults, ROOT, HARNESS_RUN_SETTINGS } from './harness';

const SECRETS = { KAFKA_SASL_PASSWORD: 'kafka-pw-never-printed', DB: 'db-pw-never-printed', REDIS: 'redis-pw-never-printed' };

/** Loopback listeners standing in for the gateway, the broker, Redis and PostgreSQL: each counts the connections it got. */
/**
 * The recorders listen on 127.0.0.2, not 127.0.0.1: another harness worker's clients (a Kafka client reconnecting to a
 * broker its test stopped) keep dialling 127.0.0.1 ports that a recorder may get next, and one such stray connection
 * would read as the refused run's.
 */
const RECORDER_HOST = '127.0.0.2';

async function recorders(): Promise<{ ports: Record<'kong' | 'kafka' | 'redis' | 'pg', number>; connections: () => number; close: () => void }> {
  let connections = 0;
  const servers: Server[] = [];
  const ports: Record<string, number> = {};
  for (const name of ['kong', 'kafka', 'redis', 'pg']) {
    const s = createServer((socket) => {
      connections++;
      socket.on('error', () => undefined);
      socket.destroy();
    });
    await new Promise<void>((r) => s.listen(0, RECORDER_HOST, r));
    servers.push(s);
    ports[name] = (s.address() as AddressInfo).port;
  }
  return { ports: ports as Record<'kong' | 'kafka' | 'redis' | 'pg', number>, connections: () => connections, close: () => servers.forEach((s) => s.close()) };
}

/** A complete staging target on those listeners with nothing in clear (https, SASL over TLS, rediss, verify-full). */
function secureTarget(p: Record<'kong' | 'kafka' | 'redis' | 'pg', number>): Record<string, string> {
  return {
    FLOWGATE_TARGET: 'staging',
    FLOWGATE_TARGET_NAME: '',
    KONG_URL: `https://${RECORDER_HOST}:${p.kong}`,
    FLOWGATE_PUBLIC_ENDPOINTS: `${RECORDER_HOST}:${p.kong}`,
    KAFKA_BROKERS: `${RECORDER_HOST}:${p.kafka}`,
    KAFKA_SSL: 'true',
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'flowgate',
    KAFKA_SASL_PASSWORD: SECRETS.KAFKA_SASL_PASSWORD,
    REDIS_URL: `rediss://flowgate:${SECRETS.REDIS}@${RECORDER_HOST}:${p.redis}`,
    ...Object.fromEntries(Object.values(DB_VARS).map((k) => [k, `postgres://flowgate:${SECRETS.DB}@${RECORDER_HOST}:${p.pg}/${k.toLowerCase()}?sslmode=verify-full`])),
    STRIPE_WEBHOOK_SECRET: 'whsec_channels_test',
    CAPTCHA_TEST_KEY: 'captcha-channels-test',
    JWT_TEST_SIGNING_KEY: 'jwt-channels-test-key-0123456789abcdef',
  };
}

/** The same target sending secrets in clear: an http gateway, redis://, a database URL that does not verify, SASL without TLS. */
function clearTarget(p: Record<'kong' | 'kafka' | 'redis' | 'pg', number>): Record<string, string> {
  const t = secureTarget(p);
  return { ...t, KONG_URL: `http://${RECORDER_HOST}:${p.kong}`, REDIS_URL: `redis://flowgate:${SECRETS.REDIS}@${RECORDER_HOST}:${p.redis}`, AUTH_DB_URL: t.AUTH_DB_URL.replace('sslmode=verify-full', 'sslmode=require'), KAFKA_SSL: 'false' };
}

function expectRefusedBeforeAnyRequest(run: Awaited<ReturnType<typeof runSmoke>>, connections: number, names: string[]) {
  expect(run.exitCode, run.output.slice(-2000)).toBe(2);
  expect(run.output).toContain('in the target (refused before any request)');
  for (const n of names) expect(run.output, `names ${n}`).toMatch(new RegExp(`- ${n}\\b`));
  expect(run.output).toContain('could not evaluate (exit 2)');
  // said before Playwright started: no connection, no test, no verdict, nothing left running
  expect(connections, 'connections the target got').toBe(0);
  expect(run.output).not.toMatch(/Running \d+ tests?|embedded reference stack ready/);
  expect(run.verdict).toBeUndefined();
  expect(run.seconds).toBeLessThan(20);
  expect(run.strays).toEqual([]);
  for (const s of Object.values(SECRETS)) expect(run.output, 'no secret printed').not.toContain(s);
}

test.describe('never production, nothing secret in clear', () => {
  test.describe.configure({ timeout: 120_000 });

  test('FLOWGATE_TARGET_NAME=production: exit 2 naming it, and the target got no connection (positive control: the same target without the name is connected to)', async () => {
    const rec = await recorders();
    try {
      const refused = await runSmoke({}, ['--project=preflight'], { env: { ...secureTarget(rec.ports), FLOWGATE_TARGET_NAME: 'production' }, timeoutMs: 60_000 });
      try {
        expectRefusedBeforeAnyRequest(refused, rec.connections(), ['FLOWGATE_TARGET_NAME']);
        expect(refused.output).toContain('FLOWGATE_TARGET_NAME "production" says "production": flowgate never runs against production');
      } finally {
        cleanup(refused);
      }
      // the listeners do see a run that is let through: preflight connects (and stops at exit 2, nothing answers there)
      const control = await runSmoke({}, ['--project=preflight'], { env: secureTarget(rec.ports), timeoutMs: 90_000 });
      try {
        expect(control.output).not.toContain('refused before any request');
        expect(rec.connections(), `the listeners saw preflight; output:\n${control.output.slice(-1500)}`).toBeGreaterThan(0);
        expect(control.exitCode).toBe(2);
        // unnamed, the target is named after its gateway's host
        expect(control.verdict?.target?.name).toBe(RECORDER_HOST);
      } finally {
        cleanup(control);
      }
    } finally {
      rec.close();
    }
  });

  test("a gateway host saying production (api.prod…, prod-api…, live…): exit 2 naming KONG_URL's host (products…, liveness…: helpers/target-safety.test.ts)", async () => {
    for (const host of ['api.prod.example.com', 'prod-api.example.com', 'live.cert-ix.io']) {
      const rec = await recorders();
      try {
        const run = await runSmoke({}, [], { env: { ...secureTarget(rec.ports), KONG_URL: `https://${host}` }, timeoutMs: 30_000 });
        try {
          expectRefusedBeforeAnyRequest(run, rec.connections(), ['KONG_URL']);
          expect(run.output).toContain(`KONG_URL's host ${host} says`);
        } finally {
          cleanup(run);
        }
      } finally {
        rec.close();
      }
    }
  });

  test('npx playwright test is refused too: global setup says FLOWGATE_TARGET_NAME before any connection', async () => {
    const rec = await recorders();
    const reports = mkdtempSync(join(tmpdir(), 'flowgate-channels-'));
    try {
      const env: Record<string, string> = { ...(process.env as Record<string, string>), ...HARNESS_RUN_SETTINGS, ...secureTarget(rec.ports), FLOWGATE_TARGET_NAME: 'live', FLOWGATE_REPORTS_DIR: reports, FORCE_COLOR: '0' };
      delete env.STACK_FAULTS;
      const child = spawn(process.execPath, [require.resolve('@playwright/test/cli'), 'test', '--project=preflight'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      // bounded: a run that was let through would hang on nothing answering; it is killed and the test says so
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      clearTimeout(timer);
      output = stripAnsi(output);
      expect(code, output.slice(-2000)).not.toBe(0);
      expect(output).toContain('FLOWGATE_TARGET_NAME "live" says "live"');
      expect(rec.connections(), 'connections the target got').toBe(0);
    } finally {
      rec.close();
      rmSync(reports, { recursive: true, force: true });
    }
  });

  test('a staging target in clear: exit 2 naming KONG_URL, REDIS_URL, AUTH_DB_URL and KAFKA_SSL before any connection; --plaintext runs it on purpose', async () => {
    const rec = await recorders();
    try {
      const refused = await runSmoke({}, ['--project=preflight'], { env: clearTarget(rec.ports), timeoutMs: 60_000 });
      try {
        expectRefusedBeforeAnyRequest(refused, rec.connections(), ['KONG_URL', 'REDIS_URL', 'AUTH_DB_URL', 'KAFKA_SSL']);
      } finally {
        cleanup(refused);
      }
      // only the flag says "on purpose": FLOWGATE_PLAINTEXT left in the environment (or .env) does not
      const leftOver = await runSmoke({}, ['--project=preflight'], { env: { ...clearTarget(rec.ports), FLOWGATE_PLAINTEXT: 'true' }, timeoutMs: 60_000 });
      try {
        expectRefusedBeforeAnyRequest(leftOver, rec.connections(), ['KONG_URL']);
      } finally {
        cleanup(leftOver);
      }
      // with --plaintext, npm run smoke and global setup both let it through: preflight connects (nothing answers: exit 2)
      const onPurpose = await runSmoke({}, ['--plaintext', '--project=preflight'], { env: clearTarget(rec.ports), timeoutMs: 90_000 });
      try {
        expect(onPurpose.output).not.toContain('refused before any request');
        expect(rec.connections(), `the listeners saw preflight; output:\n${onPurpose.output.slice(-1500)}`).toBeGreaterThan(0);
        expect(onPurpose.exitCode).toBe(2);
        expect(onPurpose.verdict?.couldNotEvaluate).toBe(true);
      } finally {
        cleanup(onPurpose);
      }
    } finally {
      rec.close();
    }
  });
});

test.describe('no credential on a channel that is not verified', () => {
  test.describe.configure({ timeout: 180_000 });

  test("preflight against a gateway whose certificate does not verify sends it no request, so no KONG_EXTRA_HEADERS; criterion 10 stays not-run", async ({ stack }) => {
    const scratch = mkdtempSync(join(tmpdir(), 'flowgate-untrusted-'));
    let server: HttpsServer | undefined;
    let other: Awaited<ReturnType<typeof generateRunCertificates>> | undefined;
    try {
      // a certificate from another CA than KONG_CA_FILE: untrusted by the run
      other = await generateRunCertificates(scratch);
      const requests: Record<string, unknown>[] = [];
      let connections = 0;
      server = createHttpsServer({ key: other.server.gateway.key, cert: other.server.gateway.cert }, (req, res) => {
        requests.push(req.headers);
        res.end('{}');
      });
      server.on('connection', () => connections++);
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      const apikey = `staging-api-key-${Date.now()}`;
      // positive control: a client that does not verify and sends the header is recorded, header and all
      const probe = new Agent({ connect: { rejectUnauthorized: false } });
      await request(`https://127.0.0.1:${port}/`, { headers: { apikey }, dispatcher: probe }).then((r) => r.body.dump());
      await probe.close();
      expect(requests.map((h) => h.apikey)).toEqual([apikey]);
      requests.length = 0;
      connections = 0;

      const env = { ...targetEnv(stack), KONG_URL: `https://127.0.0.1:${port}`, KONG_EXTRA_HEADERS: JSON.stringify({ apikey }), FLOWGATE_PUBLIC_ENDPOINTS: `127.0.0.1:${port}` };
      const run = await runSmoke(env, ['--project=preflight']);
      try {
        expect(connections, `preflight reached the gateway (TLS handshakes); output:\n${run.output.slice(-1500)}`).toBeGreaterThan(0);
        expect(requests, 'HTTP requests (with their headers) the unverified gateway got').toEqual([]);
        // preflight itself passes: the rest of the target is fine, and criterion 4 is the transport project's to fail
        expect(run.output).toMatch(/✓ passed\s+\[preflight\]/);
        expect(run.verdict?.criteria?.find((c: any) => c.id === 10)?.status).toBe('not-run');
        expect(run.output).not.toContain(apikey);
      } finally {
        cleanup(run);
      }
    } finally {
      server?.close();
      // the fault certificates are still being made in the background
      await other?.faultCerts.catch(() => undefined);
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('the P0-06 probe against the real PostgreSQL: a made-up role is turned away by hostssl pg_hba.conf, and flagged once tls-postgres-accepts-plaintext opens plaintext', async ({ stack }) => {
    const url = stack.env.AUTH_DB_URL;
    const refused = await pgPlaintextProbe(url);
    expect(refused.accepted, refused.answered).toBe(false);
    expect(refused.answered).toMatch(/no pg_hba\.conf entry .*no encryption/);
    await setFaults(stack.controlUrl, ['tls-postgres-accepts-plaintext']);
    try {
      const accepted = await pgPlaintextProbe(url);
      expect(accepted.accepted, accepted.answered).toBe(true);
      expect(accepted.answered).toMatch(/28P01: password authentication failed for user "flowgate_probe_/);
    } finally {
      await setFaults(stack.controlUrl, []);
    }
  });
});
