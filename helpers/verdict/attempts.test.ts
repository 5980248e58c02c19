// Unit tests of the deciding attempt: a defect (missing row, violation, probe 5xx, plaintext endpoint) in any attempt decides; a late event does not.
import { test, expect } from '@playwright/test';
import { decidingAttempt, defectsOf } from './attempts';
import { flowTest } from './verdict.fixtures';
import type { AttemptModel, ErrorModel } from './run';

const failedAt = (attempt: number, error: ErrorModel, over: Partial<AttemptModel> = {}): AttemptModel => ({ attempt, status: 'failed', steps: [{ title: '4. Webhook — POST /w', status: 'failed', durationMs: 5, error }], error, evidence: [], ...over });
const ROW: ErrorModel = { message: 'DbStateMismatch: probe payment.audit expected a row, got no rows', category: 'database state' };
const LATE: ErrorModel = { message: 'EventNotObserved: no cert-ix.payment.succeeded within 10 s', category: 'event not observed' };
const VIOLATION: ErrorModel = { message: 'ContractViolation: event on cert-ix.asset.updated breaks the frozen contract', category: 'contract violation' };

test('defectsOf: what the target did wrong, not what it did late; a step\'s structured failure names its category', () => {
  expect(defectsOf(failedAt(1, ROW))).toEqual(['database state: DbStateMismatch: probe payment.audit expected a row, got no rows']);
  expect(defectsOf(failedAt(1, LATE))).toEqual([]);
  // a server error answering a flow is the target failing; another unexpected status is what a retry may forgive
  expect(defectsOf(failedAt(1, { message: 'UnexpectedResponse: POST /api/v1/scans expected 201, got 502 (trace t-1); body: ""', category: 'unexpected response' }))).toEqual(['unexpected response: UnexpectedResponse: POST /api/v1/scans expected 201, got 502 (trace t-1); body: ""']);
  expect(defectsOf(failedAt(1, { message: 'UnexpectedResponse: POST /api/v1/scans expected 201 or 202, got 429; body: ""', category: 'unexpected response' }))).toEqual([]);
  // the text says late, the step's own failure says a row was missing: the structured failure wins
  expect(defectsOf(failedAt(1, LATE, { failures: [{ step: '4. Webhook — POST /w', category: 'database state', probe: 'payment.audit', expected: 'a row', observed: 'no rows', error: LATE.message, typed: true }] }))).toEqual(['database state: EventNotObserved: no cert-ix.payment.succeeded within 10 s']);
  const plaintext = { kind: 'transport' as const, step: 's', summary: 'x', data: { endpoint: '127.0.0.1:1', tried: 'TLS', answered: 'HTTP 200 in plaintext', ok: false } };
  expect(defectsOf({ steps: [], evidence: [plaintext] })).toEqual(['transport: 127.0.0.1:1 HTTP 200 in plaintext']);
});

test('decidingAttempt: the latest attempt with a defect stands in for a last one without; otherwise the last decides', () => {
  const passed = { ...flowTest('payment'), retries: 2, outcome: 'flaky' as const };
  expect(decidingAttempt({ ...passed, earlier: [failedAt(1, LATE), failedAt(2, LATE)] })).toEqual({ ...passed, earlier: [failedAt(1, LATE), failedAt(2, LATE)] });
  const d = decidingAttempt({ ...passed, earlier: [failedAt(1, VIOLATION), failedAt(2, ROW)] });
  expect(d).toMatchObject({ status: 'failed', outcome: 'unexpected', error: ROW, decidedBy: { attempt: 2, of: 3, defects: [expect.stringContaining('payment.audit')] } });
  expect(d.flakyFailure).toBeUndefined();
  // a last attempt that found its own defect decides itself
  const lastBad = { ...flowTest('payment', { status: 'failed', outcome: 'unexpected', steps: failedAt(3, VIOLATION).steps, error: VIOLATION }), retries: 2, earlier: [failedAt(1, ROW), failedAt(2, LATE)] };
  expect(decidingAttempt(lastBad)).toBe(lastBad);
  // no retries, nothing to decide
  const once = flowTest('payment');
  expect(decidingAttempt(once)).toBe(once);
});
