// Unit tests of the target decision: FLOWGATE_TARGET, inferred targets, and the contradictions said before a stack starts.
import { test, expect } from '@playwright/test';
import { decideTarget, REQUIRED_TARGET_VARS, targetLabel, targetName, TARGET_VARS } from './target';

const staging = Object.fromEntries(REQUIRED_TARGET_VARS.map((k) => [k, k === 'KONG_URL' ? 'https://gw.example' : 'x']));

test('no target variable and no FLOWGATE_TARGET: embedded, inferred', () => {
  expect(decideTarget({})).toEqual({ ok: true, kind: 'embedded', explicit: false, why: 'no target variable is set' });
  // empty means not set (dotenv turns KEY= into '')
  expect(decideTarget({ KONG_URL: '', FLOWGATE_TARGET: '' })).toMatchObject({ ok: true, kind: 'embedded' });
});

test('any target variable set without FLOWGATE_TARGET: staging', () => {
  expect(decideTarget(staging)).toMatchObject({ ok: true, kind: 'staging', explicit: false });
  for (const k of TARGET_VARS) expect(decideTarget({ [k]: 'x' }).kind, k).toBe('staging');
});

test('staging without KONG_URL names it, and every other missing variable', () => {
  const d = decideTarget({ FLOWGATE_TARGET: 'staging' });
  expect(d.ok).toBe(false);
  if (d.ok) return;
  for (const k of REQUIRED_TARGET_VARS) expect(d.problem).toContain(k);
  const one = decideTarget({ ...staging, KONG_URL: undefined, FLOWGATE_TARGET: 'staging' });
  expect(one).toMatchObject({ ok: false, kind: 'staging' });
  if (!one.ok) expect(one.problem).toMatch(/FLOWGATE_TARGET=staging, but KONG_URL is not set/);
  // inferred staging with a variable missing is the same contradiction, naming what made it staging
  const inferred = decideTarget({ KAFKA_BROKERS: 'k:9092' });
  expect(inferred.ok).toBe(false);
  if (!inferred.ok) expect(inferred.problem).toMatch(/KAFKA_BROKERS is set \(so the target is staging\), but KONG_URL, REDIS_URL/);
  // the optional databases are not required
  expect(decideTarget({ ...staging, FLOWGATE_TARGET: 'staging' })).toMatchObject({ ok: true, kind: 'staging', explicit: true });
});

test('embedded with KONG_URL set is a contradiction', () => {
  const d = decideTarget({ FLOWGATE_TARGET: 'embedded', KONG_URL: 'https://gw.example' });
  expect(d.ok).toBe(false);
  if (!d.ok) expect(d.problem).toMatch(/FLOWGATE_TARGET=embedded contradicts KONG_URL being set/);
  expect(decideTarget({ FLOWGATE_TARGET: 'embedded' })).toMatchObject({ ok: true, kind: 'embedded', explicit: true });
});

test('a FLOWGATE_TARGET that is neither is refused', () => {
  expect(decideTarget({ FLOWGATE_TARGET: 'prod' })).toEqual({ ok: false, problem: 'FLOWGATE_TARGET must be embedded or staging, got "prod"' });
});

test('targetLabel: the kind, with the target name when it says more', () => {
  expect(targetLabel({ kind: 'embedded', name: 'embedded' })).toBe('embedded');
  expect(targetLabel({ kind: 'staging', name: 'compose' })).toBe('staging (compose)');
  expect(targetLabel({ name: 'old' })).toBe('old');
  expect(targetLabel(undefined)).toBe('unknown target');
});

test("targetName: FLOWGATE_TARGET_NAME; unset, a staging target's gateway host, else the kind", () => {
  expect(targetName({ FLOWGATE_TARGET_NAME: 'compose', KONG_URL: 'https://localhost:8443' }, 'staging')).toBe('compose');
  expect(targetName({ KONG_URL: 'https://api.staging.example.com:8443/x' }, 'staging')).toBe('api.staging.example.com');
  expect(targetName({ KONG_URL: 'https://[::1]:8443' }, 'staging')).toBe('::1');
  expect(targetName({ KONG_URL: 'not a url' }, 'staging')).toBe('staging');
  expect(targetName({ FLOWGATE_TARGET_NAME: '  ' }, 'embedded')).toBe('embedded');
  // shown as the headline shows it
  expect(targetLabel({ kind: 'staging', name: targetName({ KONG_URL: 'https://gw.staging.example' }, 'staging') })).toBe('staging (gw.staging.example)');
});
