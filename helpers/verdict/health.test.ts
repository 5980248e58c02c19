// Unit tests of the health judgement: status ok passes; degraded, off-schema, non-200 and silence fail with the reason.
import { test, expect } from '@playwright/test';
import { Contracts } from '../../contracts';
import { healthNotChecked, judgeHealth } from './health';

const c = new Contracts();
const base = { service: 'scan-api-service', path: '/health/scan-api-service', latencyMs: 3 };

test('200 with status ok fits the Health schema', () => {
  expect(judgeHealth(c, { ...base, status: 200, body: { status: 'ok', service: 'scan-api-service' } })).toMatchObject({ ok: true });
});

test('a 200 saying degraded fails, naming the status it said', () => {
  const h = judgeHealth(c, { ...base, status: 200, body: { status: 'degraded', service: 'scan-api-service' } });
  expect(h.ok).toBe(false);
  expect(h.problem).toContain('(status "degraded")');
  expect(h.problem).toContain('/status must be equal to one of the allowed values');
});

test('off-schema bodies, other statuses and no answer fail', () => {
  expect(judgeHealth(c, { ...base, status: 200, body: 'OK' }).problem).toContain('does not fit the Health schema');
  expect(judgeHealth(c, { ...base, status: 503, body: {} }).problem).toBe('answered 503');
  expect(judgeHealth(c, { ...base, body: undefined }).problem).toBe('no answer');
});

test('a 200 status ok that names another service, or none, fails: one catch-all route cannot stand in for every service', () => {
  const other = judgeHealth(c, { ...base, status: 200, body: { status: 'ok', service: 'qr-auth-service' } });
  expect(other).toMatchObject({ ok: false, problem: '200 but the body names service "qr-auth-service", not "scan-api-service"' });
  expect(judgeHealth(c, { ...base, status: 200, body: { status: 'ok' } }).problem).toContain("must have required property 'service'");
});

test('healthNotChecked names the expected services no answer is for, in the expected order', () => {
  expect(healthNotChecked(['a', 'b', 'c'], [{ service: 'b' }, { service: 'x' }])).toEqual(['a', 'c']);
  expect(healthNotChecked(['a'], [{ service: 'a' }])).toEqual([]);
});
