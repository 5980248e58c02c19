// Unit tests of the observer's bounded buffer: the byte and count budgets evict the oldest, an oversized message is counted not kept, the window forgets, every drop is counted per topic.
import { test, expect } from '@playwright/test';
import { EventBuffer, describeDropped } from './event-buffer';

const ev = (topic: string, receivedAt: number, bytes: number) => ({ topic, receivedAt, bytes });
const limits = { maxBytes: 100, maxCount: 10, maxEntryBytes: 40 };

test('past the byte budget the oldest messages go first, and each is counted on its topic', () => {
  const b = new EventBuffer(limits);
  for (let i = 0; i < 4; i++) expect(b.add(ev(i % 2 ? 'odd' : 'even', 1_000 + i, 30))).toBe(true);
  // 120 bytes offered, 100 allowed: the first (even, 30 bytes) went
  expect(b.bytes()).toBe(90);
  expect(b.all().map((e) => e.receivedAt)).toEqual([1_001, 1_002, 1_003]);
  expect(b.droppedOn((t) => t === 'even')).toMatchObject({ count: 1, bytes: 30, byReason: { bytes: 1, oversize: 0, count: 0 }, lastReceivedAt: 1_000 });
  expect(b.droppedOn((t) => t === 'odd'), 'nothing dropped on the other topic').toBeUndefined();
});

test('past the count budget the oldest go, whatever their size', () => {
  const b = new EventBuffer({ ...limits, maxCount: 3 });
  for (let i = 0; i < 5; i++) b.add(ev('t', i, 1));
  expect(b.all().map((e) => e.receivedAt)).toEqual([2, 3, 4]);
  expect(b.droppedOn(() => true)?.byReason).toEqual({ oversize: 0, bytes: 0, count: 2 });
});

test('a message over the per-message cap is counted, never kept, and evicts nothing', () => {
  const b = new EventBuffer(limits);
  b.add(ev('t', 1, 10));
  expect(b.fits(41)).toBe(false);
  expect(b.add(ev('t', 2, 5_000_000))).toBe(false);
  expect(b.all()).toHaveLength(1);
  expect(b.bytes()).toBe(10);
  const d = b.droppedOn((t) => t === 't');
  expect(d).toMatchObject({ count: 1, largest: 5_000_000, byReason: { oversize: 1 } });
  expect(describeDropped(d, { maxBytes: 64 * 1024 * 1024, maxCount: 20_000, maxEntryBytes: 1024 * 1024 })).toBe(
    '1 more on that topic dropped since the test began (1 larger than the 1 MiB message cap (FLOWGATE_MAX_BODY_BYTES), counted not kept, the largest 4.8 MiB)',
  );
});

test("a new window forgets what came before it and the window before's drop counts; late arrivals from before it are not kept", () => {
  const b = new EventBuffer(limits);
  b.add(ev('t', 100, 10));
  b.add(ev('t', 200, 10));
  b.add(ev('t', 150, 500)); // oversize, counted in the old window
  b.startWindow(180);
  expect(b.all().map((e) => e.receivedAt)).toEqual([200]);
  expect(b.bytes()).toBe(10);
  expect(b.droppedOn(() => true), 'the old window is not a loss to report').toBeUndefined();
  expect(b.add(ev('t', 170, 10))).toBe(false);
  expect(b.size()).toBe(1);
});

test('bounded over a long flood: memory follows the budget, not the number of messages seen', () => {
  const b = new EventBuffer({ maxBytes: 1_000, maxCount: 100_000, maxEntryBytes: 100 });
  for (let i = 0; i < 50_000; i++) b.add(ev(`t${i % 3}`, i, 10));
  expect(b.size()).toBe(100);
  expect(b.bytes()).toBe(1_000);
  expect(b.all()[0].receivedAt).toBe(49_900);
  expect(b.droppedOn(() => true)?.count).toBe(49_900);
  expect(Object.keys(b.droppedByTopic()).sort()).toEqual(['t0', 't1', 't2']);
  expect(describeDropped(undefined, limits)).toBe('');
});
