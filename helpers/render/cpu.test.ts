// Unit tests of the CPU readers: /proc stat lines (names with spaces and parentheses), process trees, bash's times.
import { test, expect } from '@playwright/test';
import { parseBashTimes, statCpuSeconds, treeCpuSeconds } from './cpu';

const stat = (pid: number, ppid: number, name: string, u: number, s: number, cu = 0, cs = 0) =>
  `${pid} (${name}) S ${ppid} 1 1 0 -1 4194560 100 0 0 0 ${u} ${s} ${cu} ${cs} 20 0 1 0 100 1000 10`;

test('a stat line gives pid, parent and user + system + reaped children, whatever the command name holds', () => {
  expect(statCpuSeconds(stat(42, 7, 'java', 250, 50, 100, 0))).toEqual({ pid: 42, ppid: 7, seconds: 4 });
  expect(statCpuSeconds(stat(43, 7, 'a) (b c', 100, 0))).toEqual({ pid: 43, ppid: 7, seconds: 1 });
  expect(statCpuSeconds('garbage')).toBeUndefined();
});

test("a tree's CPU sums every live descendant of the root, not the root, and leaves out an excluded subtree", () => {
  const stats = [stat(1, 0, 'bench', 9999, 0), stat(2, 1, 'java', 300, 100), stat(3, 1, 'postgres', 100, 0, 50, 50), stat(4, 3, 'postgres: backend', 100, 0), stat(5, 1, 'bash', 1000, 0), stat(6, 5, 'node', 1000, 0), stat(9, 8, 'other', 500, 0)];
  expect(treeCpuSeconds(1, stats)).toBe(4 + 2 + 1 + 10 + 10);
  expect(treeCpuSeconds(1, stats, 100, [5])).toBe(4 + 2 + 1);
});

test("bash's times: the second line is the children's user and system time", () => {
  expect(parseBashTimes('0m0.012s 0m0.004s\n0m25.130s 1m2.500s\n')).toBeCloseTo(87.63, 5);
  expect(parseBashTimes('nonsense')).toBeUndefined();
});
