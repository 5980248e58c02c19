// Static checks of .env.staging.example: every variable a staging target needs, TLS verified by default, each known to .env.example.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { REQUIRED_TARGET_VARS, TARGET_VARS, decideTarget } from '../../helpers/config/target';

const ROOT = join(__dirname, '..', '..');
const text = readFileSync(join(ROOT, '.env.staging.example'), 'utf8');
const env = parse(text);
const known = new Set([...readFileSync(join(ROOT, '.env.example'), 'utf8').matchAll(/^#?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));

test('every target variable is there, the required ones filled, and it reads as a staging target', () => {
  for (const v of TARGET_VARS) expect(Object.keys(env), v).toContain(v);
  for (const v of REQUIRED_TARGET_VARS) expect(env[v], v).not.toBe('');
  for (const v of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'STRIPE_WEBHOOK_SECRET', 'CAPTCHA_TEST_KEY', 'JWT_TEST_SIGNING_KEY']) expect(env[v], v).not.toBe('');
  expect(decideTarget(env)).toMatchObject({ ok: true, kind: 'staging', explicit: true });
  // nothing a run does not know: each name is one .env.example documents
  expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
});

test('TLS verified by default: https gateway, Kafka over TLS with SCRAM, sslmode=verify-full everywhere, rediss://', () => {
  expect(env.KONG_URL).toMatch(/^https:\/\//);
  expect(env.KAFKA_SSL).toBe('true');
  expect(env.KAFKA_SASL_MECHANISM).toMatch(/^scram-sha-(256|512)$/);
  const dbs = Object.entries(env).filter(([k, v]) => k.endsWith('_DB_URL') && v);
  expect(dbs.length).toBeGreaterThanOrEqual(9);
  for (const [k, v] of dbs) expect(v, k).toMatch(/\?sslmode=verify-full$/);
  expect(env.REDIS_URL).toMatch(/^rediss:\/\//);
  // the secrets are placeholders to fill, never real-looking values
  for (const [k, v] of Object.entries(env)) if (/PASSWORD|SECRET|KEY$/.test(k) && v) expect(v, k).toMatch(/<[^>]+>|^whsec_<|^$/);
  expect(text).toContain('npm run doctor -- --target');
});
