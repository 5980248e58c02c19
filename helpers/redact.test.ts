// Unit tests of redaction: known secrets in every form and secret-shaped text disappear; ordinary text survives.
import { test, expect } from '@playwright/test';
import { parseTargetConfig } from './config/config';
import { createRedactor, redactCapped, redactDeep, redactPatterns, secretsFromConfig, secretsFromEnv, REDACTED } from './redact';

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

test('connection strings are redacted even when they do not parse as URLs, and libpq key/value strings too', () => {
  const cases: [string, string][] = [
    ['postgres://u:pa/ss@host/db', `postgres://u:${REDACTED}@host/db`],
    ['redis://:p@ss/word@h:6379', `redis://:${REDACTED}@h:6379`],
    ['amqp://guest:gu#est?x@rabbit:5672/vh', `amqp://guest:${REDACTED}@rabbit:5672/vh`],
    ['failed: AUTH_DB_URL=postgres://u:s3cr/et@h/db (not a URL)', `failed: AUTH_DB_URL=postgres://u:${REDACTED}@h/db (not a URL)`],
    ['host=db port=5432 user=app password=s3cr3t dbname=auth sslmode=require', `host=db port=5432 user=app password=${REDACTED} dbname=auth sslmode=require`],
    ["host=db password='with space' dbname=x", `host=db password='${REDACTED}' dbname=x`],
    ['jdbc:postgresql://db/auth?user=app&password=pw1&ssl=true', `jdbc:postgresql://db/auth?user=app&password=${REDACTED}&ssl=true`],
    ['Server=db;User Id=app;Password=pw2;', `Server=db;User Id=app;Password=${REDACTED};`],
  ];
  for (const [raw, want] of cases) expect(redactPatterns(raw), raw).toBe(want);
  // Ports and paths stay: nothing to redact without a password.
  expect(redactPatterns('https://kong.example:8443/api/v1/assets?limit=5')).toBe('https://kong.example:8443/api/v1/assets?limit=5');
  // The lenient reading gives the configuration's secret list the whole password.
  expect(secretsFromEnv({ AUTH_DB_URL: 'postgres://u:s3cr/et@h/db' })).toContain('s3cr/et');
  expect(secretsFromEnv({ AUTH_DB_URL: 'host=h user=u password=kvpw1 dbname=a' })).toContain('kvpw1');
});

test('printed objects and key=value forms lose their secret values; JSON stays JSON', () => {
  expect(redactPatterns(`{ refreshToken: 'rt_abc123', accessToken: "x.y.z", tokenType: 'Bearer' }`)).toBe(`{ refreshToken: '${REDACTED}', accessToken: "${REDACTED}", tokenType: 'Bearer' }`);
  const json = JSON.stringify({ b: "password='s1", c: "x' refreshToken: \"rt_2\"", d: 'password=p3"q', e: "password='p4\"x'", refreshToken: 'rt_1', nested: { note: JSON.stringify({ password: 'p"q' }) } });
  const out = redactPatterns(json);
  expect(() => JSON.parse(out)).not.toThrow();
  expect(out).not.toContain('rt_1');
  expect(out).not.toContain('rt_2');
  expect(out).not.toContain('s1');
  expect(out).not.toContain('p3');
  expect(out).not.toContain('p4');
  expect(out).not.toContain('p\\\\\\"q');
});

test('capping: the head is kept, the rest counted in bytes with a marker, and a secret cut in half is removed', () => {
  const body = JSON.stringify({ user: 'u-1', refreshToken: 'rt_' + 'a'.repeat(200), more: 'é'.repeat(1000) });
  const cutInToken = body.indexOf('rt_') + 50;
  const out = redactCapped(body, cutInToken);
  expect(out).toBe(`{"user":"u-1","refreshToken":"${REDACTED}… [${Buffer.byteLength(body) - cutInToken} bytes more]`);
  expect(redactCapped('short', 100)).toBe('short');
  expect(redactCapped(Buffer.from('x'.repeat(10)), 4)).toBe('xxxx… [6 bytes more]');
  // A known secret cut at the cap, a JWT cut in its signature, a URL cut in its password.
  const r = createRedactor(['correct-horse-battery']);
  expect(redactCapped('pw is correct-horse-battery', 'pw is correct-hor'.length, r)).toBe(`pw is ${REDACTED}… [10 bytes more]`);
  expect(redactCapped(`t ${jwt}`, 2 + jwt.length - 4, r)).toBe(`t ${REDACTED}… [4 bytes more]`);
  expect(redactCapped('postgres://u:longpassword@h/db', 20, r)).toBe(`postgres://u:${REDACTED}… [10 bytes more]`);
  // redactDeep caps long strings inside objects
  expect(redactDeep({ body: 'y'.repeat(100) }, redactPatterns, { maxString: 10 })).toEqual({ body: 'yyyyyyyyyy… [90 bytes more]' });
});

test('secrets learnt later are added to a redactor', () => {
  const r = createRedactor([]);
  expect(r('pw Fg!abcdef')).toBe('pw Fg!abcdef');
  r.add('Fg!abcdef');
  expect(r('pw Fg!abcdef')).toBe(`pw ${REDACTED}`);
});

/** Milliseconds the redactor takes on `text` (best of 2, so a scheduling hiccup does not count). */
function timeOf(redact: (t: string) => string, text: string): number {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = process.hrtime.bigint();
    redact(text);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}

test('redaction is linear: 1 MB of adversarial input takes well under a bound, and four times the input takes about four times as long, not sixteen', () => {
  const r = createRedactor(['sekret-value', 'another-one-1', 'kafka-pw', 'p@ss/word']);
  const shapes: Record<string, (n: number) => string> = {
    'scheme-character runs': (n) => 'a1+.-'.repeat(n / 5),
    'many ://': (n) => 'a://b:'.repeat(n / 6),
    'many :// with an @ at the end': (n) => 'x://y:'.repeat(n / 6 - 1) + '@host/',
    'quotes and backslashes': (n) => '\\"'.repeat(n / 4) + '"a":"'.repeat(n / 10),
    'JSON secret keys, unterminated': (n) => '"password":"\\'.repeat(n / 13),
    'escaped JSON keys': (n) => '\\"token\\":\\"'.repeat(n / 13),
    'eyJ repeats': (n) => 'eyJ-eyJaaaaa.'.repeat(n / 13),
    'one long JWT-ish run': (n) => 'eyJ' + 'a'.repeat(n - 3),
    'key=value starts': (n) => 'password='.repeat(n / 9),
    'header names and blanks': (n) => ('cookie' + ' '.repeat(20)).repeat(n / 26),
    'Bearer repeats': (n) => 'Bearer '.repeat(n / 7),
    'whsec and hex': (n) => 'whsec_a-v1=0123456789abcdef'.repeat(n / 27),
    'spaces': (n) => ' '.repeat(n),
  };
  const MB = 1 << 20;
  for (const [name, make] of Object.entries(shapes)) {
    const one = make(MB);
    const four = make(4 * MB);
    r(one); // warm up the regexes
    const t1 = timeOf(r, one);
    const t4 = timeOf(r, four);
    expect(t1, `${name}: 1 MB in ${t1.toFixed(1)} ms`).toBeLessThan(500);
    // Four times the input: linear is ~4x the time, quadratic ~16x. The bound sits between, with a floor of 100 ms so
    // millisecond timings on a loaded machine (a GC pause, the other worker's stack) do not flake: a quadratic rule
    // takes seconds to minutes on 4 MB (the old URL rule: 389 ms on 20 KB), far past it.
    expect(t4, `${name}: 4 MB in ${t4.toFixed(1)} ms vs 1 MB in ${t1.toFixed(1)} ms`).toBeLessThan(t1 * 10 + 100);
  }
});

test('JSON redacted structurally, then as text (as fixtures attach it), stays JSON (fuzzed with quotes, escapes and secret-shaped pieces)', () => {
  const pieces = ['"', "'", '\\', '\n', ' ', ':', '=', '@', '/', 'password', 'token', 'cookie: ', 'Bearer ', 'eyJhbGciOi.eyJzdWIiOi.sig', 'postgres://u:', 'refreshToken: ', '&', ';', 'x', 'é'];
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const str = () => Array.from({ length: 1 + rnd(12) }, () => pieces[rnd(pieces.length)]).join('');
  const r = createRedactor(['sekret-value']);
  for (let i = 0; i < 2000; i++) {
    const obj = { [str()]: str(), password: str(), nested: { [str()]: [str(), str()], note: JSON.stringify({ [str()]: str() }) } };
    for (const text of [JSON.stringify(redactDeep(obj, r)), JSON.stringify(redactDeep(obj, r), null, 2)]) {
      const out = r(text);
      expect(() => JSON.parse(out), `${text}\n→ ${out}`).not.toThrow();
    }
  }
});
