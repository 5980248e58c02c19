// Unit tests of deciding criteria 4, 5, 6 from the transport tests' evidence: fail, pass, and awaiting a sign-off when part of the target could not be seen.
import { test, expect } from '@playwright/test';
import { transportCriterion, type TransportTest } from './verdict-transport';
import tls from './triggers/tls-not-enforced';
import type { RunContext } from './criteria';
import type { TransportEvidence } from './evidence';

const ev = (d: TransportEvidence) => ({ kind: 'transport' as const, step: '5.2. x', summary: d.answered, data: d });
const t = (evidence: TransportEvidence[], status: 'passed' | 'failed' = 'passed'): TransportTest & { status: string } => ({
  title: '5. Kafka SSL for every producer and consumer', project: 'transport', tags: ['@criterion-5'], evidence: evidence.map(ev), steps: [], status,
});
const statusOf = (x: TransportTest) => (x as any).status;

test('criterion 5: a plaintext answer fails naming the endpoint; all refused with the configuration read passes, listing the endpoints tried', () => {
  const failed = transportCriterion(5, [t([{ endpoint: 'b:9093', tried: 'x', answered: 'ok', ok: true }, { endpoint: 'b:9092', tried: 'x', answered: 'an ApiVersions response', ok: false }], 'failed')], statusOf, false);
  expect(failed).toMatchObject({ status: 'fail', failures: ['b:9092: an ApiVersions response'] });
  const passed = transportCriterion(5, [t([{ endpoint: 'b:9093', tried: 'x', answered: 'refused', ok: true }, { endpoint: 'b:9092', tried: 'x', answered: 'ECONNREFUSED', ok: true }])], statusOf, false);
  expect(passed).toMatchObject({ status: 'pass', detail: expect.stringContaining('b:9093, b:9092') });
});

test('criterion 5: configuration denied and nothing found is awaiting-sign-off with the reason, never pass; the trigger stays undecided', () => {
  const unseen = "the brokers' listeners (describeConfigs) could not be read (denied) and nothing answered in plaintext on the 2 endpoint(s) tried (b:9093, b:9092): a plaintext port elsewhere cannot be seen; a sign-off decides";
  const r = transportCriterion(5, [t([{ endpoint: 'b:9093', tried: 'x', answered: 'refused', ok: true }, { endpoint: 'b:9093', tried: 'describeConfigs', answered: unseen, ok: true, unseen }])], statusOf, false);
  expect(r.status).toBe('awaiting-sign-off');
  expect(r.detail).toContain(unseen);
  // a found hole still fails, whatever could not be seen
  expect(transportCriterion(5, [t([{ endpoint: 'b:9092', tried: 'x', answered: 'speaks Kafka', ok: false }, { endpoint: 'b', tried: 'x', answered: unseen, ok: true, unseen }], 'failed')], statusOf, false).status).toBe('fail');
  const pass = { status: 'pass' as const, detail: '', evidence: [] };
  const outcomes = new Map([[4, pass], [5, { status: r.status, detail: r.detail, evidence: [] }], [6, pass]]);
  expect(tls.evaluate({} as RunContext, outcomes)).toMatchObject({ fired: false, status: 'not-run' });
});
