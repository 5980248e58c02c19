// Unit tests of how the target travels: decided once with its refusals, parsed once and handed on as JSON, read back typed; a bad configuration travels as its problems.
import { test, expect } from '@playwright/test';
import { ConfigError } from '../errors';
import { decideRunTarget, handOnTarget, readHandedTarget, runTarget, TARGET_CONFIG_VAR } from './run-target';
import type { Env } from './parsers';

const staging: Env = {
  FLOWGATE_RUN_ID: 'fg-test-1',
  KONG_URL: 'https://api.staging.example',
  KAFKA_BROKERS: 'b1.example:9093',
  KAFKA_SSL: 'true',
  AUTH_DB_URL: 'postgres://u:p@db.example/auth?sslmode=verify-full',
  EMAIL_DB_URL: 'postgres://u:p@db.example/email?sslmode=verify-full',
  SUBSCRIPTION_DB_URL: 'postgres://u:p@db.example/subscription?sslmode=verify-full',
  ASSETS_DB_URL: 'postgres://u:p@db.example/assets?sslmode=verify-full',
  SCANS_DB_URL: 'postgres://u:p@db.example/scans?sslmode=verify-full',
  TOOLS_DB_URL: 'postgres://u:p@db.example/tools?sslmode=verify-full',
  VULNERABILITIES_DB_URL: 'postgres://u:p@db.example/vulns?sslmode=verify-full',
  PAYMENTS_DB_URL: 'postgres://u:p@db.example/payments?sslmode=verify-full',
  INVOICES_DB_URL: 'postgres://u:p@db.example/invoices?sslmode=verify-full',
  REDIS_URL: 'rediss://:redis-pw@cache.example:6380/2',
  STRIPE_WEBHOOK_SECRET: 'whsec_test123',
  CAPTCHA_TEST_KEY: 'captcha-key',
  JWT_TEST_SIGNING_KEY: 'jwt-key',
};

test('the decision is written once to FLOWGATE_TARGET; a contradiction or a production target is a ConfigError', () => {
  const env: Env = { ...staging };
  expect(decideRunTarget(env, { plaintext: false })).toBe('staging');
  expect(env.FLOWGATE_TARGET).toBe('staging');
  expect(decideRunTarget({}, { plaintext: false })).toBe('embedded');
  expect(() => decideRunTarget({ FLOWGATE_TARGET: 'embedded', KONG_URL: 'https://x.example' }, { plaintext: false })).toThrow(/FLOWGATE_TARGET=embedded contradicts KONG_URL/);
  expect(() => decideRunTarget({ ...staging, FLOWGATE_TARGET_NAME: 'prod-eu' }, { plaintext: false })).toThrow(ConfigError);
});

test('the runner hands the parsed target on; a worker reads the same object back without parsing', () => {
  const env: Env = { ...staging };
  const handed = handOnTarget('staging', env);
  expect('config' in handed && handed.config.kong.url).toBe('https://api.staging.example');
  const back = readHandedTarget(env);
  expect(back).toEqual(JSON.parse(JSON.stringify(handed)));
  // the worker does not look at the variables again: a changed KONG_URL does not change the target it runs
  expect(runTarget({ ...env, KONG_URL: 'https://elsewhere.example' }).kong.url).toBe('https://api.staging.example');
});

test('a configuration that does not parse travels as its problems and is thrown, naming each variable, where the target is used', () => {
  const env: Env = { ...staging, KAFKA_BROKERS: 'nohost', REDIS_URL: '' };
  const handed = handOnTarget('staging', env);
  expect('problems' in handed && handed.problems).toEqual(['KAFKA_BROKERS must be a comma-separated host:port list, bad entries: "nohost"', 'REDIS_URL is required (a redis:// or rediss:// URL)']);
  expect(() => runTarget(env)).toThrow(/KAFKA_BROKERS must be a comma-separated host:port list[\s\S]*REDIS_URL is required/);
});

test("a handed-on target of another run is not taken; a malformed one is a ConfigError naming the variable", () => {
  const env: Env = { ...staging };
  handOnTarget('staging', env);
  expect(readHandedTarget({ ...env, FLOWGATE_RUN_ID: 'fg-other' })).toBeUndefined();
  expect(() => readHandedTarget({ ...env, [TARGET_CONFIG_VAR]: '{' })).toThrow(/FLOWGATE_TARGET_CONFIG is not JSON/);
  expect(() => readHandedTarget({ ...env, [TARGET_CONFIG_VAR]: '{"kind":"staging","runId":"fg-test-1"}' })).toThrow(/does not hold a target/);
});
