// The console lines of a run: one per test (outcome, project, title without tags, duration), a failed test's steps, the live count and the summary.
import { type Paint, plain } from './colour';

export type TestOutcome = 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted' | 'flaky';

export interface TestLine {
  outcome: TestOutcome;
  project: string;
  title: string;
  durationMs: number;
  /** the attempt (0 first); a retry is named */
  retry?: number;
}

export interface StepLine {
  title: string;
  /** how deep the step is nested (0 at the top) */
  depth: number;
  failed: boolean;
  durationMs: number;
  error?: string;
}

export interface Counts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  flaky: number;
  running: number;
  elapsedMs: number;
}

const MARK: Record<TestOutcome, string> = { passed: '✓', failed: '✘', timedOut: '✘', interrupted: '✘', skipped: '-', flaky: '±' };
const MAX_TITLE = 140;

/** A title without its @tags (they are for filtering and the report, not for reading), cut to one line. */
export function untagged(title: string): string {
  const t = title.replace(/\s+@[\w:.-]+/g, '').replace(/\s+/g, ' ').trim();
  return t.length > MAX_TITLE ? `${t.slice(0, MAX_TITLE - 1)}…` : t;
}

/** Seconds with one decimal under a minute, then minutes and seconds. */
export function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

export function testLine(t: TestLine, paint: Paint = plain): string {
  const tone = t.outcome === 'passed' ? 'go' : t.outcome === 'skipped' || t.outcome === 'flaky' ? 'unknown' : 'no-go';
  const outcome = t.outcome === 'timedOut' ? 'timed out' : t.outcome;
  const retry = t.retry ? ` (retry ${t.retry})` : '';
  return `  ${paint(tone, `${MARK[t.outcome]} ${outcome.padEnd(11)}`)} [${t.project}] ${untagged(t.title)}${retry} ${paint('dim', `(${duration(t.durationMs)})`)}`;
}

/** How many lines of a failed step's error the console shows: its what, expected, got and where, not a whole body. */
export const ERROR_LINES = 12;

/** An error's non-blank lines as the console shows them: the first `max`, each cut at 300 characters. */
export function errorLines(message: string | undefined, max = ERROR_LINES): string[] {
  return (message ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(0, max).map((l) => l.slice(0, 300));
}

/** A test's steps, indented by depth, the failed ones marked with their error (errorLines). */
export function stepLines(steps: readonly StepLine[], paint: Paint = plain): string[] {
  return steps.map((s) => {
    const indent = '      ' + '  '.repeat(s.depth);
    const head = `${indent}${s.failed ? paint('no-go', '✘') : paint('dim', '·')} ${untagged(s.title)} ${paint('dim', `(${duration(s.durationMs)})`)}`;
    const error = errorLines(s.error);
    return error.length ? [head, ...error.map((l) => `${indent}    ${paint('no-go', l)}`)].join('\n') : head;
  });
}

/** The live count on a terminal: how many of the run's tests are done, how they went, how long so far. */
export function countLine(c: Counts, paint: Paint = plain): string {
  const done = c.passed + c.failed + c.skipped + c.flaky;
  const parts = [paint('go', `${c.passed} passed`)];
  if (c.failed) parts.push(paint('no-go', `${c.failed} failed`));
  if (c.flaky) parts.push(paint('unknown', `${c.flaky} flaky`));
  if (c.skipped) parts.push(paint('unknown', `${c.skipped} skipped`));
  return `  ${done}/${c.total} tests: ${parts.join(', ')}${c.running ? `, ${c.running} running` : ''} — ${duration(c.elapsedMs)}`;
}

/** The line after the last test, before the verdict table. */
export function summaryLine(c: Counts, paint: Paint = plain): string {
  const notRun = c.total - (c.passed + c.failed + c.skipped + c.flaky);
  const parts = [paint('go', `${c.passed} passed`), paint(c.failed ? 'no-go' : 'dim', `${c.failed} failed`)];
  if (c.flaky) parts.push(paint('unknown', `${c.flaky} flaky`));
  if (c.skipped) parts.push(paint('unknown', `${c.skipped} skipped`));
  if (notRun > 0) parts.push(paint('unknown', `${notRun} did not run`));
  return `${c.total} tests: ${parts.join(', ')} in ${duration(c.elapsedMs)}`;
}
