// Unit tests of target configuration: a complete environment parses, every bad variable is named at once, and client options carry TLS/SASL.
import { test, expect } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors';
import { DB_VARS, chromiumExecutable, pemProblem, checkFlowgateVars, generateRunId, kafkaClientConfig, loadEnvFile, parseBool, parseTargetConfig, pgClientConfig, redisOptions, runSettings, type Env } from './config';

const valid: Env = {
  KONG_URL: 'https://api.staging.example/',
  KAFKA_BROKERS: 'b1.example:9093, b2.example:9093',
  AUTH_DB_URL: 'postgres://auth:pw-auth@db.example:5432/auth',
  EMAIL_DB_URL: 'postgres://u:p@db.example/email',
  SUBSCRIPTION_DB_URL: 'postgresql://u:p@db.example/subscription',
  ASSETS_DB_URL: 'postgres://u:p@db.example/assets',
  SCANS_DB_URL: 'postgres://u:p@db.example/scans',
  TOOLS_DB_URL: 'postgres://u:p@db.example/tools',
  VULNERABILITIES_DB_URL: 'postgres://u:p@db.example/vulns',
  PAYMENTS_DB_URL: 'postgres://u:p@db.example/payments',
  INVOICES_DB_URL: 'postgres://u:p@db.example/invoices',
  REDIS_URL: 'redis://:redis-pw@cache.example:6380/2',
  STRIPE_WEBHOOK_SECRET: 'whsec_test123',
  CAPTCHA_TEST_KEY: 'captcha-key',
  JWT_TEST_SIGNING_KEY: 'jwt-key',
};

function configError(env: Env, opts = {}): ConfigError {
  try {
    parseTargetConfig(env, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

test('a complete environment parses with the documented defaults', () => {
  const cfg = parseTargetConfig(valid, { now: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });
  // unnamed, a target is named after its gateway's host
  expect(cfg.name).toBe('api.staging.example');
  expect(cfg.kong).toEqual({ url: 'https://api.staging.example', extraHeaders: {} });
  expect(cfg.kafka).toEqual({ brokers: ['b1.example:9093', 'b2.example:9093'], ssl: false, observerGroupPrefix: 'flowgate-observer' });
  expect(cfg.db.auth).toBe(valid.AUTH_DB_URL);
  expect(cfg.db.verification).toBeUndefined();
  expect(cfg.db.checkout).toBeUndefined();
  expect(cfg.budgets).toEqual({ stepMs: 15_000, eventMs: 10_000, quotaMs: 30_000, scanMs: 60_000 });
  expect(cfg.allowFlaky).toBe(false);
  expect(cfg.runId).toMatch(/^fg-20260102030405-[0-9a-f]{6}$/);
  expect(cfg.chromiumPath).toBe(chromiumExecutable(valid));
  expect(cfg.profile).toMatch(/contracts\/profiles\/reference\.json$/);
});

test('every missing required variable is named in one error', () => {
  const e = configError({});
  for (const k of ['KONG_URL', 'KAFKA_BROKERS', 'REDIS_URL', 'STRIPE_WEBHOOK_SECRET', 'CAPTCHA_TEST_KEY', 'JWT_TEST_SIGNING_KEY', ...Object.values(DB_VARS).filter((v) => !['VERIFICATION_DB_URL', 'CHECKOUT_DB_URL'].includes(v))])
    expect(e.message).toContain(`${k} is required`);
  expect(e.message).not.toContain('VERIFICATION_DB_URL');
  expect(e.message).not.toContain('CHECKOUT_DB_URL');
  expect(e.problems.length).toBe(15);
  // Empty values (KEY= in a dotenv file) count as missing.
  expect(configError({ ...valid, KONG_URL: '' }).problems).toEqual(['KONG_URL is required (the gateway base URL, http(s)://host[:port])']);
});

test('malformed values are each named, without echoing credentials', () => {
  const e = configError({
    ...valid,
    KONG_URL: 'ftp://x',
    KONG_EXTRA_HEADERS: '{"apikey": 5}',
    KAFKA_BROKERS: 'ok:9092,nohost,bad:99999',
    KAFKA_SSL: 'maybe',
    KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem',
    KAFKA_SASL_MECHANISM: 'gssapi',
    AUTH_DB_URL: 'mysql://root:topsecret@db/auth',
    VERIFICATION_DB_URL: 'not a url',
    REDIS_URL: 'http://cache',
    STRIPE_WEBHOOK_SECRET: 'sk_live_nope',
    FLOWGATE_STEP_BUDGET_MS: '15s',
    FLOWGATE_QUOTA_BUDGET_MS: '0',
    FLOWGATE_ALLOW_FLAKY: '2',
    FLOWGATE_RUN_ID: 'has spaces',
    FLOWGATE_PROFILE: 'nope.json',
  });
  const m = e.message;
  for (const frag of [
    'KONG_URL must be the gateway base URL',
    'KONG_EXTRA_HEADERS must be a JSON object',
    'KAFKA_BROKERS must be a comma-separated host:port list, bad entries: "nohost", "bad:99999"',
    'KAFKA_SSL must be true/false (or 1/0, yes/no, on/off), got "maybe"',
    'KAFKA_SSL_CA_FILE names a file that does not exist',
    'KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512',
    'KAFKA_SASL_USERNAME is required',
    'KAFKA_SASL_PASSWORD is required',
    'AUTH_DB_URL must be a postgres:// or postgresql:// URL, got "mysql://db/auth"',
    'VERIFICATION_DB_URL must be a postgres:// or postgresql:// URL, got "not a url" (not a URL)',
    'REDIS_URL must be a redis:// or rediss:// URL',
    'STRIPE_WEBHOOK_SECRET must start with whsec_',
    'FLOWGATE_STEP_BUDGET_MS must be a positive integer',
    'FLOWGATE_QUOTA_BUDGET_MS must be a positive integer',
    'FLOWGATE_ALLOW_FLAKY must be true/false (or 1/0, yes/no, on/off), got "2"',
    'FLOWGATE_RUN_ID may contain only',
    'FLOWGATE_PROFILE names a file that does not exist: nope.json',
  ])
    expect(m).toContain(frag);
  expect(e.problems).toHaveLength(17);
  expect(m).not.toContain('topsecret');
  expect(m).not.toContain('sk_live_nope');
});

test('SASL credentials need a mechanism, and a mechanism needs credentials', () => {
  expect(configError({ ...valid, KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).message).toContain('KAFKA_SASL_MECHANISM is required when');
  expect(configError({ ...valid, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' }).problems).toEqual(['KAFKA_SASL_PASSWORD is required (needed because KAFKA_SASL_MECHANISM is scram-sha-512)']);
});

// A syntactically valid PEM block (base64 of 120 bytes) that says TEST in its first line.
const FAKE_PEM = `-----BEGIN CERTIFICATE-----\nTEST${Buffer.alloc(120, 7).toString('base64')}\n-----END CERTIFICATE-----\n`;

test('CA files must be PEM certificates; KONG_CA_FILE and FLOWGATE_PUBLIC_ENDPOINTS are read', async ({}, testInfo) => {
  const dir = testInfo.outputPath('ca');
  mkdirSync(dir, { recursive: true });
  const good = join(dir, 'good.pem');
  writeFileSync(good, FAKE_PEM);
  const der = join(dir, 'ca.der');
  writeFileSync(der, Buffer.from([0x30, 0x82, 0x01, 0x0a, 0x02]));
  const key = join(dir, 'key.pem');
  writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
  const e = configError({ ...valid, KONG_CA_FILE: der, KAFKA_SSL_CA_FILE: key, REDIS_TLS_CA_FILE: join(dir, 'missing.pem'), FLOWGATE_PUBLIC_ENDPOINTS: 'gw:443,nope' });
  expect(e.problems.find((p) => p.startsWith('KONG_CA_FILE'))).toContain('is not PEM');
  expect(e.problems.find((p) => p.startsWith('KAFKA_SSL_CA_FILE'))).toContain('no CERTIFICATE');
  expect(e.problems.find((p) => p.startsWith('REDIS_TLS_CA_FILE'))).toContain('does not exist');
  expect(e.problems.find((p) => p.startsWith('FLOWGATE_PUBLIC_ENDPOINTS'))).toContain('"nope"');
  const cfg = parseTargetConfig({ ...valid, KONG_URL: 'https://gw.example', KONG_CA_FILE: good });
  expect(cfg.kong.caFile).toBe(good);
  expect(cfg.publicEndpoints).toEqual(['gw.example:443']);
  expect(parseTargetConfig({ ...valid, FLOWGATE_PUBLIC_ENDPOINTS: 'a:1, b:2' }).publicEndpoints).toEqual(['a:1', 'b:2']);
  expect(pemProblem('')).toBe('is empty');
  expect(pemProblem(FAKE_PEM)).toBeUndefined();
});

test('staging-style TLS and SASL settings produce the Kafka client, pg and ioredis options', async ({}, testInfo) => {
  const dir = testInfo.outputPath('ca');
  mkdirSync(dir, { recursive: true });
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, FAKE_PEM);
  const cfg = parseTargetConfig({
    ...valid,
    FLOWGATE_TARGET_NAME: 'staging-eu',
    KONG_EXTRA_HEADERS: '{"apikey":"k-123"}',
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: ca,
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: 'flowgate',
    KAFKA_SASL_PASSWORD: 'kpw',
    DB_SSL_CA_FILE: ca,
    REDIS_URL: 'rediss://default:rpw@cache.example:6380/1',
    REDIS_TLS_CA_FILE: ca,
    FLOWGATE_ALLOW_FLAKY: '1',
    FLOWGATE_RUN_ID: 'fg-fixed-1',
    FLOWGATE_EVENT_BUDGET_MS: '2500',
  });
  expect(cfg.name).toBe('staging-eu');
  expect(cfg.kong.extraHeaders).toEqual({ apikey: 'k-123' });
  expect(cfg.allowFlaky).toBe(true);
  expect(cfg.runId).toBe('fg-fixed-1');
  expect(cfg.budgets.eventMs).toBe(2500);

  const k = kafkaClientConfig(cfg);
  expect(k).toEqual({ clientId: 'flowgate-fg-fixed-1', brokers: ['b1.example:9093', 'b2.example:9093'], ssl: { ca: [expect.stringContaining('TEST')], rejectUnauthorized: true }, sasl: { mechanism: 'scram-sha-512', username: 'flowgate', password: 'kpw' } });

  const pg = pgClientConfig('postgres://u:p@db.example:5432/auth?sslmode=verify-full&application_name=fg', cfg);
  // sslmode leaves the URL so it cannot override the explicit ssl object (and its CA).
  expect(pg.connectionString).toBe('postgres://u:p@db.example:5432/auth?application_name=fg');
  expect(pg.ssl).toEqual({ ca: expect.stringContaining('TEST'), rejectUnauthorized: true, host: 'db.example' });
  // an IP server's certificate is checked against its IP, not against pg's default "localhost"
  expect(pgClientConfig('postgres://u:p@127.0.0.1:5432/auth?sslmode=verify-full', cfg).ssl).toMatchObject({ host: '127.0.0.1', rejectUnauthorized: true });
  expect((pgClientConfig('postgres://u:p@db/x?sslmode=verify-ca', cfg).ssl as any).checkServerIdentity()).toBeUndefined();
  expect(pgClientConfig('postgres://u:p@db/x?sslmode=disable', cfg).ssl).toBe(false);
  expect(pgClientConfig('postgres://u:p@db/x', {}).ssl).toBe(false);
  expect(pgClientConfig('postgres://u:p@db/x?sslmode=require', {}).ssl).toEqual({ rejectUnauthorized: true, host: 'db' });

  expect(redisOptions(cfg)).toEqual({ host: 'cache.example', port: 6380, username: 'default', password: 'rpw', db: 1, tls: { ca: [expect.stringContaining('TEST')], servername: 'cache.example' }, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000 });
  const plain = redisOptions(parseTargetConfig(valid));
  expect(plain.tls).toBeUndefined();
  expect([plain.port, plain.password, plain.db]).toEqual([6380, 'redis-pw', 2]);
  expect(kafkaClientConfig(parseTargetConfig(valid)).ssl).toBe(false);
});

test('loadEnvFile fills only variables the environment does not set', async ({}, testInfo) => {
  const dir = testInfo.outputPath('env');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'staging.env');
  writeFileSync(file, 'KONG_URL=https://from-file\nCAPTCHA_TEST_KEY=file-key\n# comment\nREDIS_URL="redis://quoted:6379"\n');
  const env: Env = { KONG_URL: 'https://from-env' };
  const r = loadEnvFile(file, env);
  expect(env.KONG_URL).toBe('https://from-env');
  expect(env.CAPTCHA_TEST_KEY).toBe('file-key');
  expect(env.REDIS_URL).toBe('redis://quoted:6379');
  expect(r.loaded.sort()).toEqual(['CAPTCHA_TEST_KEY', 'REDIS_URL']);
  // FLOWGATE_ENV_FILE names the file when no path is given; a named file that is missing is an error.
  const env2: Env = { FLOWGATE_ENV_FILE: file };
  loadEnvFile(undefined, env2);
  expect(env2.KONG_URL).toBe('https://from-file');
  expect(() => loadEnvFile(undefined, { FLOWGATE_ENV_FILE: join(dir, 'missing.env') })).toThrow(ConfigError);
});

test('generated run ids are time-sortable and unique', () => {
  expect(generateRunId(new Date(Date.UTC(2026, 10, 23, 15, 1, 2)), 'abcdef')).toBe('fg-20261123150102-abcdef');
  expect(generateRunId()).not.toBe(generateRunId());
});

test('booleans accept the same spellings everywhere; anything else is undefined', () => {
  for (const t of ['true', 'TRUE', '1', 'yes', 'on', ' On ']) expect(parseBool(t), t).toBe(true);
  for (const f of ['false', '0', 'no', 'off', 'OFF']) expect(parseBool(f), f).toBe(false);
  for (const x of ['', '2', 'maybe', undefined]) expect(parseBool(x), String(x)).toBeUndefined();
  expect(parseTargetConfig({ ...valid, FLOWGATE_ALLOW_FLAKY: 'yes', KAFKA_SSL: 'off' })).toMatchObject({ allowFlaky: true, kafka: { ssl: false } });
});

test('run settings (workers, retries, flow budget …) go through the checker and name each bad variable', () => {
  expect(runSettings({ FLOWGATE_WORKERS: '2', FLOWGATE_RETRIES: '0', FLOWGATE_FLOW_BUDGET_MS: '90000', FLOWGATE_STACK_LOG: 'on' })).toEqual({
    FLOWGATE_WORKERS: 2, FLOWGATE_RETRIES: 0, FLOWGATE_FLOW_BUDGET_MS: 90_000, FLOWGATE_STACK_LOG: true,
  });
  expect(runSettings({})).toEqual({});
  let err: any;
  try {
    runSettings({ FLOWGATE_WORKERS: 'three', FLOWGATE_RETRIES: '-1', FLOWGATE_FLOW_BUDGET_MS: '3m', FLOWGATE_GAP_URL: 'https://x/#gap', FLOWGATE_SHARDS_EXPECTED: '0', FLOWGATE_ALLOW_FLAKY: 'maybe' });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect([...err.problems].sort()).toEqual([
    'FLOWGATE_FLOW_BUDGET_MS must be a positive integer number of milliseconds, got "3m"',
    'FLOWGATE_GAP_URL must contain %s where the gap id goes, got "https://x/#gap"',
    'FLOWGATE_RETRIES must be a whole number (0 or more), got "-1"',
    'FLOWGATE_SHARDS_EXPECTED must be a positive integer, got "0"',
    'FLOWGATE_WORKERS must be a positive integer, got "three"',
  ]);
  // target settings are the preflight's to report, not the runner's
  expect(checkFlowgateVars({ FLOWGATE_ALLOW_FLAKY: 'maybe' }).problems).toEqual(['FLOWGATE_ALLOW_FLAKY must be true/false (or 1/0, yes/no, on/off), got "maybe"']);
});

test('the dashboard Chromium: CHROMIUM_PATH first, then the headless shell for a headless run when installed, else Debian\'s chromium', () => {
  const shell = '/usr/bin/chromium-headless-shell';
  const has = (...paths: string[]) => (p: string) => paths.includes(p);
  expect(chromiumExecutable({}, { exists: has(shell) })).toBe(shell);
  expect(chromiumExecutable({}, { exists: has() }), 'no headless shell installed').toBe('/usr/bin/chromium');
  expect(chromiumExecutable({}, { exists: has(shell), headed: true }), 'a headed run needs the full browser').toBe('/usr/bin/chromium');
  expect(chromiumExecutable({ CHROMIUM_PATH: ' /opt/chrome/chrome ' }, { exists: has(shell) }), 'CHROMIUM_PATH wins').toBe('/opt/chrome/chrome');
  expect(chromiumExecutable({ CHROMIUM_PATH: '' }, { exists: has(shell) }), 'empty is not set').toBe(shell);
});

test('FLOWGATE_TARGET_NAME is validated: letters, digits, . _ - (at most 64)', () => {
  expect(parseTargetConfig({ ...valid, FLOWGATE_TARGET_NAME: 'staging-eu.1' }).name).toBe('staging-eu.1');
  expect(configError({ ...valid, FLOWGATE_TARGET_NAME: 'staging eu' }).problems).toEqual([`FLOWGATE_TARGET_NAME may contain only letters, digits, '.', '_' and '-' (at most 64), got "staging eu"`]);
  expect(checkFlowgateVars({ FLOWGATE_TARGET_NAME: 'x'.repeat(65) }).problems).toHaveLength(1);
});

test('a database password with an unencoded / is never shown by the configuration error, whether the URL parses or not', () => {
  for (const url of ['postgres://u:s3cr/et@h/db', 'postgres://u:123/et@h/db', 'redis://:p@ss/word@h:6379']) {
    const key = url.startsWith('redis') ? 'REDIS_URL' : 'AUTH_DB_URL';
    const e = configError({ ...valid, [key]: url });
    const text = `${e.message}\n${e.stack}\n${e.observed}\n${JSON.stringify(e.problems)}`;
    for (const secret of ['s3cr/et', 's3cr', '123/et', 'p@ss/word', 'ss/word']) expect(text, url).not.toContain(secret);
    expect(e.message).toContain(`${key} must be`);
    expect(e.message).toContain('must be percent-encoded');
  }
});
