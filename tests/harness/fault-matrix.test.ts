// The fault matrix, part 1: every fault the stack lists must turn a run into NO-GO for its expected reason (criterion/trigger, step, category).
import { expect } from '@playwright/test';
import { FAULTS, LATENCY_PREFIX } from '../../stack/faults';
import { test, ROOT } from './harness';
import { MATRIX, BATCHABLE, batches, partOf, defineRowTests, PARTS, TESTED_ELSEWHERE } from './fault-matrix';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

test('every fault the stack lists has a matrix row, and latency injection has one too', () => {
  const rows = new Set(MATRIX.map((r) => r.fault));
  expect(FAULTS.map((f) => f.name).filter((n) => !rows.has(n) && !TESTED_ELSEWHERE[n]), 'faults without a matrix row').toEqual([]);
  for (const [fault, file] of Object.entries(TESTED_ELSEWHERE)) expect(readFileSync(join(ROOT, file), 'utf8'), `${file} tests ${fault}`).toContain(`'${fault}'`);
  expect(MATRIX.some((r) => r.fault.startsWith(LATENCY_PREFIX))).toBe(true);
  expect(MATRIX.length).toBeGreaterThanOrEqual(25);
});

test('rows share a run only across projects, never with a fault that reaches them, and every row runs once', () => {
  const planned = batches(MATRIX);
  expect(planned.flat().map((r) => r.fault).sort()).toEqual(MATRIX.map((r) => r.fault).sort());
  for (const b of planned) {
    expect(new Set(b.map((r) => r.project)).size, `one row per project in ${b.map((r) => r.fault)}`).toBe(b.length);
    if (b.length > 1) for (const r of b) expect(BATCHABLE[r.fault], `${r.fault} may share a run`).toBeDefined();
    for (const r of b) for (const o of b) if (o !== r) expect(BATCHABLE[o.fault], `${o.fault} reaches ${r.project}`).not.toContain(r.project);
  }
  // a fault on registration reaches every flow's set-up; a start-only one needs its own stack
  expect(planned.find((b) => b.some((r) => r.fault === 'auth-csrf-unavailable'))).toHaveLength(1);
  expect(planned.find((b) => b.some((r) => r.atStart))).toHaveLength(1);
  expect(planned.length, 'fewer runs than rows').toBeLessThan(MATRIX.length);
});

test('the two matrix files split the rows between them: every row in exactly one, whole batches only', () => {
  const parts = Array.from({ length: PARTS }, (_, i) => partOf(i + 1, PARTS));
  expect(parts.flat(2).map((r) => r.fault).sort()).toEqual(MATRIX.map((r) => r.fault).sort());
  const key = (b: { fault: string }[]) => b.map((r) => r.fault).join('+');
  expect(parts.flat().map(key).sort(), 'each part holds whole batches of batches()').toEqual(batches(MATRIX).map(key).sort());
  expect(parts.every((p) => p.length > 0), 'no part is empty').toBe(true);
});

defineRowTests(1, PARTS);
