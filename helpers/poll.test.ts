// Unit tests of the poll intervals: tight first, settled at four a second, never zero.
import { test, expect } from '@playwright/test';
import { POLL_INTERVALS, polling } from './poll';

test('polls start tight, never spin, and settle at 250 ms', () => {
  expect(POLL_INTERVALS[0]).toBeLessThan(100);
  expect(Math.min(...POLL_INTERVALS)).toBeGreaterThan(0);
  expect([...POLL_INTERVALS]).toEqual([...POLL_INTERVALS].sort((a, b) => a - b));
  expect(POLL_INTERVALS.at(-1)).toBe(250);
});

test('polling() keeps the timeout and message and adds the intervals', () => {
  expect(polling({ timeout: 5_000, message: 'the row' })).toEqual({ timeout: 5_000, message: 'the row', intervals: [...POLL_INTERVALS] });
});

test('a poll with these intervals sees a state within one interval of its change', async () => {
  const changeAt = Date.now() + 120;
  let seenAt = 0;
  await expect.poll(() => (Date.now() >= changeAt ? (seenAt = Date.now()) > 0 : false), polling({ timeout: 2_000 })).toBe(true);
  expect(seenAt - changeAt).toBeLessThanOrEqual(Math.max(...POLL_INTERVALS) + 50);
});
