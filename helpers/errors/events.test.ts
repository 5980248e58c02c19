// Unit tests of the event and contract errors: what they name, and that another tenant's payload never reaches them.
import { test, expect } from '@playwright/test';
import { ContractViolation, EventNotObserved, FlowgateError } from '.';

test('EventNotObserved names the topic, the keys, the budget and what it saw instead, counted and by key, never by payload', () => {
  const other = { topic: 'cert-ix.subscription.plan.free.activated', partition: 0, offset: '41', key: 't-9', value: '{"tenantId":"t-9","email":"someone@else.test"}' } as any;
  const e = new EventNotObserved({ topic: 'cert-ix.subscription.plan.free.activated', match: 'tenantId="t-123"', budgetMs: 10_000, sawCount: 3, sample: [other] });
  expect(e).toBeInstanceOf(FlowgateError);
  expect(e).toBeInstanceOf(Error);
  expect(e.name).toBe('EventNotObserved');
  expect(e.category).toBe('event not observed');
  expect(String(e)).toMatch(/^EventNotObserved: no cert-ix\.subscription\.plan\.free\.activated for tenantId="t-123" within 10 s; saw 3 others/);
  expect(e.message).toContain('e.g. cert-ix.subscription.plan.free.activated key t-9 (partition 0, offset 41)');
  // Another tenant's payload never reaches the message or the error's fields (a reporter serializes both).
  expect(JSON.stringify({ ...e, message: e.message, stack: e.stack })).not.toContain('someone@else.test');
  expect(e.stack).toMatch(/^EventNotObserved: no cert-ix/);
  expect([e.topic, e.budgetMs, e.sawCount]).toEqual(['cert-ix.subscription.plan.free.activated', 10_000, 3]);
  expect(String(new EventNotObserved({ topic: 'x', match: { userId: 'u1' }, budgetMs: 500, sawCount: 0 }))).toBe('EventNotObserved: no x for userId="u1" within 500 ms; saw nothing else on that topic');
});

test('ContractViolation quotes the offending event (topic, partition, offset, headers, truncated value)', () => {
  const long = 'x'.repeat(2000);
  const e = new ContractViolation({ topic: 'cert-ix.asset.created', partition: 0, offset: '12', headers: { 'schema-version': '2.0' }, value: long, problems: ['header schema-version is "2.0" (expected "1.0")'] });
  expect(String(e)).toMatch(/^ContractViolation: event on cert-ix\.asset\.created \(partition 0, offset 12\) breaks the frozen contract: header schema-version is "2\.0"/);
  expect(e.message).toContain('"schema-version":"2.0"');
  expect(e.message.length).toBeLessThan(1200);
  expect(e.message).toMatch(/… \[\d+ bytes more\]/);
  expect(e.category).toBe('contract violation');
  const r = new ContractViolation({ operationId: 'createAsset', status: 201, body: { id: 1 }, problems: ['/id must be string'] });
  expect(String(r)).toBe('ContractViolation: response of createAsset with status 201 breaks the frozen contract: /id must be string\n  body: {"id":1}');
});

test('EventNotObserved names what the bounded buffer dropped on the topic, after what it saw', () => {
  const e = new EventNotObserved({ topic: 'cert-ix.asset.created', match: { assetId: 'a-1' }, budgetMs: 5_000, sawCount: 2, dropped: '1 more on that topic dropped since the test began (1 larger than the 1 MiB message cap (FLOWGATE_MAX_BODY_BYTES), counted not kept, the largest 2 MiB)' });
  expect(e.message).toBe('no cert-ix.asset.created for assetId="a-1" within 5 s; saw 2 others (not quoted: they may be other tenants\'); 1 more on that topic dropped since the test began (1 larger than the 1 MiB message cap (FLOWGATE_MAX_BODY_BYTES), counted not kept, the largest 2 MiB)');
  expect(e.observed).toContain("saw 2 others (not quoted: they may be other tenants'); 1 more on that topic dropped");
  expect(e.dropped).toContain('counted not kept');
});
