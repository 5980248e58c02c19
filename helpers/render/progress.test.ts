// Unit tests of the stack's progress printer: a line rewritten in place on a terminal, one line per component ready elsewhere.
import { test, expect } from '@playwright/test';
import { progressLine, stackProgress, withStackProgress } from './progress';

function sink(isTTY: boolean) {
  const written: string[] = [];
  return { out: { isTTY, write: (t: string) => written.push(t) }, written };
}

test('off a terminal (CI logs): one line per component ready, nothing for starting, nothing to clear', () => {
  const { out, written } = sink(false);
  const p = stackProgress(out);
  p.onProgress({ component: 'kafka', phase: 'starting', elapsedMs: 0 });
  p.onProgress({ component: 'postgres', phase: 'starting', elapsedMs: 5 });
  p.onProgress({ component: 'postgres', phase: 'ready', elapsedMs: 1_800 });
  p.onProgress({ component: 'kafka', phase: 'ready', elapsedMs: 9_400 });
  p.done();
  expect(written).toEqual(['stack: postgres ready (1.8 s)\n', 'stack: kafka ready (9.4 s)\n']);
});

test('on a terminal: one line rewritten in place saying what is starting and how long so far, cleared when done', () => {
  const { out, written } = sink(true);
  let now = 1_000;
  const p = stackProgress(out, undefined, () => now);
  p.onProgress({ component: 'kafka', phase: 'starting', elapsedMs: 0 });
  now = 3_500;
  p.onProgress({ component: 'redis', phase: 'starting', elapsedMs: 2_500 });
  p.onProgress({ component: 'redis', phase: 'ready', elapsedMs: 2_600 });
  p.done();
  expect(written).toEqual([
    '\r\x1b[2Kstack: starting kafka (0 ready, 0.0 s)',
    '\r\x1b[2Kstack: starting kafka, redis (0 ready, 2.5 s)',
    '\r\x1b[2Kstack: starting kafka (1 ready, 2.6 s)',
    '\r\x1b[2K',
  ]);
  expect(written.every((w) => !w.includes('\n')), 'never a new line on a terminal').toBe(true);
  expect(progressLine({ starting: [], ready: 9, elapsedMs: 12_000 }, 11_000)).toBe('stack: starting (9 ready, 12.0 s)');
});

test('withStackProgress hands the start its onProgress and clears the line even when the start fails', async () => {
  const { out, written } = sink(true);
  const failed = withStackProgress(out, (_t, s) => s, async ({ onProgress }) => {
    onProgress({ component: 'gateway', phase: 'starting', elapsedMs: 0 });
    throw new Error('gateway did not start');
  });
  await expect(failed).rejects.toThrow('gateway did not start');
  expect(written.at(-1)).toBe('\r\x1b[2K');
});
