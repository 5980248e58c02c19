// Unit tests of the wire check: this test's messages are all checked (duplicates too), others counted, a broken one named.
import { test, expect } from '@playwright/test';
import { Contracts } from '../contracts';
import { checkRunMessages, idsOf } from './wire';

const c = new Contracts();
const good = (assetId: string) => ({ assetId, tenantId: 'tenant-0001', type: 'domain', value: 'a.flowgate.test', at: '2026-11-20T10:00:00.000Z' });
const msg = (payload: unknown, offset: number, headers: Record<string, string> = { 'schema-version': '1.0' }) => ({ topic: 'cert-ix.asset.updated', partition: 0, offset, headers, value: JSON.stringify(payload) });

test('every message carrying an id of the test is checked; other traffic is counted, not judged', () => {
  const r = checkRunMessages(c, [msg(good('asset-mine-1'), 1), msg(good('asset-mine-1'), 2), msg({ broken: true, assetId: 'asset-other-9' }, 3)], ['asset-mine-1']);
  expect(r).toMatchObject({ checked: 2, others: 1, byTopic: { 'cert-ix.asset.updated': 2 }, violations: [] });
});

test('a duplicate of the awaited event missing a required field is a violation naming topic, offset and field', () => {
  const { at: _at, ...noAt } = good('asset-mine-1');
  const r = checkRunMessages(c, [msg(good('asset-mine-1'), 1), msg(noAt, 2)], ['asset-mine-1']);
  expect(r.violations).toHaveLength(1);
  expect(String(r.violations[0])).toMatch(/^ContractViolation: event on cert-ix\.asset\.updated \(partition 0, offset 2\) breaks the frozen contract: payload \(root\) must have required property 'at'/);
});

test('a message of ours without the schema-version header is a violation', () => {
  expect(checkRunMessages(c, [msg(good('asset-mine-1'), 4, {})], ['asset-mine-1']).violations[0].message).toContain('header schema-version is missing');
});

test('idsOf takes *Id fields and email, long enough to correlate by', () => {
  expect(idsOf({ assetId: 'asset-mine-1', tenantId: 't', email: 'flowgate+x@flowgate.test', name: 'n' })).toEqual(['asset-mine-1', 'flowgate+x@flowgate.test']);
});

test('a message of ours on a frozen family topic no channel names (cert-ix.payment.refunded) is judged: without the header, or off the family envelope, it is a violation', () => {
  const refund = { stripeEventId: 'evt_1', sessionId: 'cs_mine_0001', tenantId: 'tenant-0001', refundedAt: '2026-11-20T10:00:00.000Z' };
  const on = (topic: string, payload: unknown, headers: Record<string, string> = { 'schema-version': '1.0' }) => ({ topic, partition: 0, offset: 7, headers, value: JSON.stringify(payload) });
  expect(checkRunMessages(c, [on('cert-ix.payment.refunded', refund)], ['cs_mine_0001'])).toMatchObject({ checked: 1, byTopic: { 'cert-ix.payment.refunded': 1 }, violations: [] });
  const noHeader = checkRunMessages(c, [on('cert-ix.payment.refunded', refund, {})], ['cs_mine_0001']).violations;
  expect(noHeader.map((v) => v.message.split('\n')[0])).toEqual([expect.stringMatching(/^event on cert-ix\.payment\.refunded \(partition 0, offset 7\) breaks the frozen contract: header schema-version is missing/)]);
  const { tenantId: _t, ...noTenant } = refund;
  expect(checkRunMessages(c, [on('cert-ix.checkout.session.expired', { ...noTenant, planId: 'pro' })], ['cs_mine_0001']).violations[0].message).toContain("must have required property 'tenantId'");
  // a topic outside every family and channel stays a violation of its own
  expect(checkRunMessages(c, [on('cert-ix.refunds', refund)], ['cs_mine_0001']).violations[0].message).toContain('topic cert-ix.refunds is not in the frozen contract');
});
