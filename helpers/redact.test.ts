// Unit tests of redaction: known secrets in every form and secret-shaped text disappear; ordinary text survives.
import { test, expect } from '@playwright/test';
import { parseTargetConfig } from './config';
import { createRedactor, redactDeep, redactPatterns, secretsFromConfig, secretsFromEnv, REDACTED } from './redact';

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LTEiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLWJ5dGVz';

test('known secrets are replaced, also URL-encoded, JSON-escaped and base64', () => {
  const secret = 'p@ss w/rd"x';
  const r = createRedactor([secret, undefined, '']);
  expect(r(`pw=${secret}!`)).toBe(`pw=${REDACTED}!`);
  expect(r(`q=${encodeURIComponent(secret)}`)).toBe(`q=${REDACTED}`);
  expect(r(JSON.stringify({ note: `is ${secret}` }))).toBe(`{"note":"is ${REDACTED}"}`);
  expect(r(`basic ${Buffer.from(secret).toString('base64')}`)).toBe(`basic ${REDACTED}`);
  expect(r('nothing here')).toBe('nothing here');
});

test('a longer secret containing a shorter one is removed whole; tiny secrets are not applied literally', () => {
  const r = createRedactor(['abcd', 'abcdefgh', 'x']);
  expect(r('abcdefgh abcd')).toBe(`${REDACTED} ${REDACTED}`);
  expect(r('x marks the spot')).toBe('x marks the spot');
});

test('pattern rules need no list', () => {
  expect(redactPatterns(`token ${jwt} end`)).toBe(`token ${REDACTED} end`);
  expect(redactPatterns('sent Bearer abc.def-123 ok')).toBe(`sent Bearer ${REDACTED} ok`);
  expect(redactPatterns('postgres://app:s3cret@db:5432/x and rediss://:rpw@cache:6380')).toBe(`postgres://app:${REDACTED}@db:5432/x and rediss://:${REDACTED}@cache:6380`);
  expect(redactPatterns('secret whsec_abcDEF123 used')).toBe(`secret ${REDACTED} used`);
  expect(redactPatterns('t=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd')).toBe(`t=1700000000,v1=${REDACTED}`);
  expect(redactPatterns('{"email":"a@b.test","password":"hunter2!","newPassword":"x\\"y"}')).toBe(`{"email":"a@b.test","password":"${REDACTED}","newPassword":"${REDACTED}"}`);
  expect(redactPatterns('"{\\"password\\":\\"hunter2\\"}"')).toBe(`"{\\"password\\":\\"${REDACTED}\\"}"`);
  expect(redactPatterns('{"authorization":"Basic dXNlcjpwdw==","x-captcha-test-key":"ck","accept":"json"}')).toBe(`{"authorization":"${REDACTED}","x-captcha-test-key":"${REDACTED}","accept":"json"}`);
  expect(redactPatterns('Authorization: Basic dXNlcjpwdw==\nCookie: sid=abc\nstripe-signature: t=1,v1=zz\nAccept: */*')).toBe(`Authorization: ${REDACTED}\nCookie: ${REDACTED}\nstripe-signature: ${REDACTED}\nAccept: */*`);
});

test('redaction is idempotent, so text may pass through it twice', () => {
  const r = createRedactor(['sekret-value']);
  for (const t of ['Cookie: sid=abc', 'sent with cookie: abc", next', `Bearer ${jwt}`, 'postgres://u:p@h/x', '{"password":"x"}', 'a sekret-value b'])
    expect(r(r(t))).toBe(r(t));
});

test('ordinary text is left alone', () => {
  const text = 'POST /api/v1/assets expected 201, got 500; tokenKind "expired"; https://kong.example/api; cert-ix.asset.created; passed 3';
  expect(redactPatterns(text)).toBe(text);
  expect(redactPatterns('{"tokenKind":"none","passed":true,"status":200}')).toBe('{"tokenKind":"none","passed":true,"status":200}');
});

test('redactDeep copies objects with secrets removed, by key and by value, and survives cycles', () => {
  const r = createRedactor(['sekret-value']);
  const obj: any = { headers: { Authorization: 'Bearer x', accept: 'json' }, body: { password: 'pw', note: 'has sekret-value inside', n: 1, ok: true }, raw: Buffer.from(jwt), list: [jwt, 'fine'] };
  obj.self = obj;
  const out = redactDeep(obj, r);
  expect(out.headers).toEqual({ Authorization: REDACTED, accept: 'json' });
  expect(out.body).toEqual({ password: REDACTED, note: `has ${REDACTED} inside`, n: 1, ok: true });
  expect(out.raw).toBe(REDACTED);
  expect(out.list).toEqual([REDACTED, 'fine']);
  expect(out.self).toBe('[Circular]');
  expect(obj.body.password).toBe('pw'); // the original is untouched
  // The same object under two keys is not a cycle.
  const shared = { a: 1 };
  expect(redactDeep({ x: shared, y: [shared] })).toEqual({ x: { a: 1 }, y: [{ a: 1 }] });
  expect(JSON.stringify(redactDeep({ e: new Error(`failed with sekret-value`) }, r))).not.toContain('sekret-value');
});

test('secretsFromConfig collects every secret the configuration holds', () => {
  const cfg = parseTargetConfig({
    KONG_URL: 'https://api.example',
    KONG_EXTRA_HEADERS: '{"apikey":"kong-api-key"}',
    KAFKA_BROKERS: 'k:9093',
    KAFKA_SASL_MECHANISM: 'scram-sha-256',
    KAFKA_SASL_USERNAME: 'u',
    KAFKA_SASL_PASSWORD: 'kafka-pw',
    AUTH_DB_URL: 'postgres://u:auth%40pw@db/auth',
    EMAIL_DB_URL: 'postgres://u:email-pw@db/e',
    SUBSCRIPTION_DB_URL: 'postgres://u:sub-pw@db/s',
    ASSETS_DB_URL: 'postgres://db/a',
    SCANS_DB_URL: 'postgres://u:scans-pw@db/s',
    TOOLS_DB_URL: 'postgres://u:tools-pw@db/t',
    VULNERABILITIES_DB_URL: 'postgres://u:vul-pw@db/v',
    PAYMENTS_DB_URL: 'postgres://u:pay-pw@db/p',
    INVOICES_DB_URL: 'postgres://u:inv-pw@db/i',
    REDIS_URL: 'rediss://:redis-pw@cache:6380',
    STRIPE_WEBHOOK_SECRET: 'whsec_abc',
    CAPTCHA_TEST_KEY: 'captcha-k',
    JWT_TEST_SIGNING_KEY: 'jwt-signing-k',
  });
  const s = secretsFromConfig(cfg);
  for (const x of ['kong-api-key', 'kafka-pw', 'auth%40pw', 'auth@pw', 'email-pw', 'redis-pw', 'whsec_abc', 'captcha-k', 'jwt-signing-k', 'inv-pw']) expect(s).toContain(x);
  expect(s).not.toContain('u');
  const r = createRedactor(s);
  expect(r('login with auth@pw and captcha-k')).toBe(`login with ${REDACTED} and ${REDACTED}`);
});

test('secretsFromEnv still finds secrets when the configuration is invalid', () => {
  const s = secretsFromEnv({ KAFKA_SASL_PASSWORD: 'kpw1', AUTH_DB_URL: 'postgres://u:dbpw1@h/x', CAPTCHA_TEST_KEY: 'ck-1', KONG_EXTRA_HEADERS: '{"apikey":"ak-1"}', KAFKA_SSL_CA_FILE: '/ca.pem', PATH: '/usr/bin', KONG_URL: 'https://k' });
  expect(s.sort()).toEqual(['ak-1', 'ck-1', 'dbpw1', 'kpw1']);
});
