// Unit tests of the "rows from before the step do not count" rule (helpers/fresh.ts).
import { test, expect } from '@playwright/test';
import { acceptsSince, freshRows, rowTime, DB_CLOCK_TOLERANCE_MS } from './fresh';

const since = Date.parse('2026-11-25T10:00:00.000Z');
const old = { action: 'create', trace_id: 't1', occurred_at: new Date(since - DB_CLOCK_TOLERANCE_MS - 1) };
const fresh = { action: 'create', trace_id: 't1', occurred_at: new Date(since + 5) };

test('rowTime reads created_at or occurred_at, as a Date or an ISO string; none is undefined', () => {
  expect(rowTime({ created_at: '2026-11-25T10:00:00.000Z' })).toBe(since);
  expect(rowTime({ occurred_at: new Date(since) })).toBe(since);
  expect(rowTime({ id: 1 })).toBeUndefined();
});

test('freshRows drops rows stamped before the step (beyond the clock tolerance) and keeps unstamped ones', () => {
  expect(freshRows([old, fresh, { id: 1 }], since)).toEqual([fresh, { id: 1 }]);
  expect(freshRows([{ occurred_at: new Date(since - DB_CLOCK_TOLERANCE_MS) }], since)).toHaveLength(1);
});

test('a presence check is not satisfied by an old row alone', () => {
  const hasCreate = (rows: any[]) => rows.some((r) => r.action === 'create');
  expect(acceptsSince([old], since, hasCreate)).toBe(false);
  expect(acceptsSince([old, fresh], since, hasCreate)).toBe(true);
});

test('an absence check still sees the old rows', () => {
  const none = (rows: any[]) => rows.length === 0;
  expect(acceptsSince([old], since, none)).toBe(false);
  expect(acceptsSince([], since, none)).toBe(true);
});
