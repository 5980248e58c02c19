// Unit tests of business-key matching: it finds the harness's own event and rejects everyone else's.
import { test, expect } from '@playwright/test';
import { describeCriteria, matches, where } from './match';

const event = { userId: 'u-1', tenantId: 't-1', plan: { tier: 'free', limits: { assets: 5 } }, tags: ['a', 'b'], count: 2, note: null };

test('a partial match on business keys ignores other fields', () => {
  expect(matches(event, { tenantId: 't-1' })).toBe(true);
  expect(matches(event, { userId: 'u-1', tenantId: 't-1' })).toBe(true);
  expect(matches(event, {})).toBe(true);
});

test('another tenant, a missing key or a different type does not match', () => {
  expect(matches(event, { tenantId: 't-2' })).toBe(false);
  expect(matches(event, { userId: 'u-1', tenantId: 't-2' })).toBe(false);
  expect(matches(event, { assetId: 'a-1' })).toBe(false);
  expect(matches(event, { count: '2' })).toBe(false);
  expect(matches(null, { tenantId: 't-1' })).toBe(false);
  expect(matches('t-1', { tenantId: 't-1' })).toBe(false);
  expect(matches(event, { note: undefined })).toBe(false);
  expect(matches(event, { note: null })).toBe(true);
});

test('nested objects match recursively', () => {
  expect(matches(event, { plan: { tier: 'free' } })).toBe(true);
  expect(matches(event, { plan: { limits: { assets: 5 } } })).toBe(true);
  expect(matches(event, { plan: { tier: 'pro' } })).toBe(false);
  expect(matches(event, { plan: { limits: { assets: 6 } } })).toBe(false);
  expect(matches({ plan: 'free' }, { plan: { tier: 'free' } })).toBe(false);
});

test('predicates, regular expressions and arrays', () => {
  expect(matches(event, { count: (n: number) => n >= 1 })).toBe(true);
  expect(matches(event, { count: (n: number) => n > 5 })).toBe(false);
  expect(matches(event, { missing: (v: any) => v.deep.field === 1 })).toBe(false); // a throwing predicate is no match
  expect(matches(event, { userId: /^u-\d+$/ })).toBe(true);
  expect(matches(event, { userId: /^x-/ })).toBe(false);
  expect(matches(event, { count: /2/ })).toBe(false); // regex only on strings
  expect(matches(event, { tags: ['b'] })).toBe(true);
  expect(matches(event, { tags: ['c'] })).toBe(false);
  expect(matches(event, { userId: ['u-1'] })).toBe(false);
  expect(matches({ items: [{ id: 1, x: 1 }, { id: 2 }] }, { items: [{ id: 2 }] })).toBe(true);
});

test('describeCriteria reads like the keys a person waited for', () => {
  expect(describeCriteria({ tenantId: 't-123' })).toBe('tenantId="t-123"');
  expect(describeCriteria({ userId: 'u', plan: { tier: 'free' }, n: 3 })).toBe('userId="u", plan.tier="free", n=3');
  expect(describeCriteria({ count: where('at least 1', (n) => n >= 1), id: /^a-/ })).toBe('count=(at least 1), id=/^a-/');
  expect(describeCriteria({ tags: ['a'], gone: undefined, x: null })).toBe('tags=["a"], gone=undefined, x=null');
  expect(describeCriteria({})).toBe('(root)={}');
});
