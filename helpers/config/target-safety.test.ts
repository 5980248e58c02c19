// Unit tests of the refusals before any request: production by name or host (no override), and a staging configuration in clear unless --plaintext.
import { test, expect } from '@playwright/test';
import { clearTextProblems, productionProblems, productionWord, targetRefusals } from './target-safety';
import { DB_VARS } from './config';

/** A staging configuration with nothing in clear: https, rediss, verify-full, SASL over TLS. */
const secure: Record<string, string> = {
  KONG_URL: 'https://api.staging.example.com',
  KAFKA_BROKERS: 'kafka-1.staging.example.com:9093',
  KAFKA_SSL: 'true',
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: 'flowgate',
  KAFKA_SASL_PASSWORD: 'kpw',
  REDIS_URL: 'rediss://flowgate:rpw@cache.staging.example.com:6380',
  ...Object.fromEntries(Object.values(DB_VARS).map((k) => [k, `postgres://flowgate:dbpw@db.staging.example.com:5432/${k.toLowerCase()}?sslmode=verify-full`])),
};

test('production is a word: prod, production, live as a whole run of letters', () => {
  for (const refused of ['api.prod.example.com', 'prod-api.example.com', 'live.cert-ix.io', 'PRODUCTION', 'eu-prod1.example.com', 'cert-ix-live', 'production'])
    expect(productionWord(refused), refused).toBeDefined();
  for (const allowed of ['products.example.com', 'liveness', 'staging.example.com', 'preprod.example.com', 'reproduce', 'delivery.example.com', 'embedded', '127.0.0.1', '::1'])
    expect(productionWord(allowed), allowed).toBeUndefined();
  expect(productionWord('api.prod.example.com')).toBe('prod');
});

test('FLOWGATE_TARGET_NAME saying production is refused, naming the variable; a staging name is not', () => {
  const p = productionProblems({ FLOWGATE_TARGET_NAME: 'production' });
  expect(p).toHaveLength(1);
  expect(p[0]).toMatch(/^FLOWGATE_TARGET_NAME "production" says "production": flowgate never runs against production .*no override/);
  expect(productionProblems({ FLOWGATE_TARGET_NAME: 'staging-eu' })).toEqual([]);
  // refused for either kind of target: the embedded stack is no way around it
  expect(targetRefusals({ FLOWGATE_TARGET_NAME: 'live' }, { kind: 'embedded', plaintext: false })).toHaveLength(1);
  expect(targetRefusals({ FLOWGATE_TARGET_NAME: 'live' }, { kind: 'staging', plaintext: true })).toHaveLength(1);
});

test("the gateway's host saying production is refused, naming KONG_URL; so is any other target host", () => {
  for (const host of ['api.prod.example.com', 'prod-api.example.com', 'live.cert-ix.io']) {
    const p = productionProblems({ ...secure, KONG_URL: `https://${host}:8443/base` });
    expect(p, host).toEqual([expect.stringMatching(new RegExp(`^KONG_URL's host ${host.replace(/\./g, '\\.')} says "(prod|live)"`))]);
  }
  for (const host of ['products.example.com', 'liveness.example.com', 'staging.example.com']) expect(productionProblems({ ...secure, KONG_URL: `https://${host}` }), host).toEqual([]);
  // a production database in a staging .env would take the run's deletes
  expect(productionProblems({ ...secure, AUTH_DB_URL: 'postgres://u:p@db.prod.internal/auth?sslmode=verify-full' })).toEqual([expect.stringMatching(/^AUTH_DB_URL's host db\.prod\.internal says "prod"/)]);
  expect(productionProblems({ ...secure, KAFKA_BROKERS: 'k1.staging:9093,k2.live.example:9093' })).toEqual([expect.stringMatching(/^KAFKA_BROKERS's host k2\.live\.example/)]);
  expect(productionProblems({ ...secure, REDIS_URL: 'rediss://prod-cache:6379' })).toEqual([expect.stringMatching(/^REDIS_URL's host prod-cache/)]);
  // no secret in the message: hosts only
  expect(productionProblems({ ...secure, REDIS_URL: 'rediss://u:s3cret@prod-cache:6379' }).join()).not.toContain('s3cret');
  expect(productionProblems(secure)).toEqual([]);
});

test('a secure staging configuration sends nothing in clear', () => {
  expect(clearTextProblems(secure)).toEqual([]);
  expect(targetRefusals(secure, { kind: 'staging', plaintext: false })).toEqual([]);
  // verify-ca checks the chain: allowed; a CA file alone turns Kafka TLS on, as helpers/config.ts does
  expect(clearTextProblems({ ...secure, AUTH_DB_URL: 'postgres://u:p@db/auth?sslmode=verify-ca', KAFKA_SSL: '', KAFKA_SSL_CA_FILE: 'ca.pem' })).toEqual([]);
});

test('each configuration in clear is refused, naming its variable', () => {
  const one = (patch: Record<string, string>) => clearTextProblems({ ...secure, ...patch });
  expect(one({ KONG_URL: 'http://api.staging.example.com' })).toEqual([expect.stringMatching(/^KONG_URL is http:\/\/: KONG_EXTRA_HEADERS.*in clear.*--plaintext/)]);
  expect(one({ REDIS_URL: 'redis://:pw@cache:6379' })).toEqual([expect.stringMatching(/^REDIS_URL is redis:\/\/: its password would travel in clear; use rediss:\/\//)]);
  expect(one({ AUTH_DB_URL: 'postgres://u:p@db/auth' })).toEqual([expect.stringMatching(/^AUTH_DB_URL has no sslmode: .*sslmode=verify-full/)]);
  for (const mode of ['disable', 'prefer', 'require', 'no-verify'])
    expect(one({ PAYMENTS_DB_URL: `postgres://u:p@db/payments?sslmode=${mode}` }), mode).toEqual([expect.stringMatching(new RegExp(`^PAYMENTS_DB_URL has sslmode=${mode}:`))]);
  // an optional database is checked when it is set
  expect(one({ CHECKOUT_DB_URL: 'postgres://u:p@db/checkout' })).toEqual([expect.stringMatching(/^CHECKOUT_DB_URL has no sslmode/)]);
  expect(one({ KAFKA_SSL: 'false' })).toEqual([expect.stringMatching(/^KAFKA_SSL is false while KAFKA_SASL_\* is set: the SASL password would travel in clear/)]);
  expect(one({ KAFKA_SSL: '' })).toEqual([expect.stringMatching(/^KAFKA_SSL is not set while KAFKA_SASL_\*/)]);
  // Kafka without SASL sends no secret: criterion 5 fails it, start-up does not refuse it
  expect(one({ KAFKA_SSL: 'false', KAFKA_SASL_MECHANISM: '', KAFKA_SASL_USERNAME: '', KAFKA_SASL_PASSWORD: '' })).toEqual([]);
  // every problem at once, and no secret in any message
  const all = one({ KONG_URL: 'http://gw', REDIS_URL: 'redis://:rpw@c:1', AUTH_DB_URL: 'postgres://u:dbpw@db/a', KAFKA_SSL: 'no' });
  expect(all.map((p) => p.split(' ')[0])).toEqual(['KONG_URL', 'REDIS_URL', 'AUTH_DB_URL', 'KAFKA_SSL']);
  expect(all.join('\n')).not.toMatch(/rpw|dbpw|kpw/);
});

test('--plaintext lets a staging configuration in clear through; the embedded target is never checked for it', () => {
  const clear = { ...secure, KONG_URL: 'http://127.0.0.1:8080', REDIS_URL: 'redis://127.0.0.1:6379' };
  expect(targetRefusals(clear, { kind: 'staging', plaintext: false })).toHaveLength(2);
  expect(targetRefusals(clear, { kind: 'staging', plaintext: true })).toEqual([]);
  expect(targetRefusals({}, { kind: 'embedded', plaintext: false })).toEqual([]);
});
