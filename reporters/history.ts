// The run history (reports/history.jsonl, one line per run): what changed since the last GO, and how often each flaky test really passes.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { redactDeep, redactPatterns } from '../helpers/redact';
import { outputsIn } from '../helpers/config/paths';

export type Outcome = 'passed' | 'failed' | 'flaky' | 'skipped' | 'not-run';

export interface HistoryEntry {
  runId: string;
  /** when the run finished (ISO) */
  time: string;
  target: string;
  verdict: string;
  release?: string;
  /** each test's outcome, keyed `project › title` */
  tests: Record<string, Outcome>;
}

export interface SinceLastGo {
  runId: string;
  time: string;
  /** failing now, passing (or not yet there) in the last GO run */
  newFailures: string[];
  /** failing in the last GO run (an allowed flaky pass, a test no criterion needs), passing now */
  fixed: string[];
  /** failing in the last GO run and now */
  stillFailing: string[];
}

export interface FlakyRate {
  test: string;
  /** runs of the window the test appeared in */
  runs: number;
  /** runs it passed on the first attempt */
  passed: number;
  flaky: number;
  failed: number;
  /** passed / runs, 0..1 */
  passRate: number;
}

/** How many past runs a flaky test's pass rate covers (FLOWGATE_FLAKY_WINDOW). */
export const FLAKY_WINDOW = 10;

/** The test-model fields history needs (the verdict reporter's TestModel has them). */
export interface TestLike {
  project: string;
  title: string;
  status: string;
  outcome: string;
  ran?: boolean;
}

export const testKey = (t: Pick<TestLike, 'project' | 'title'>): string => `${t.project} › ${t.title}`;

/** A test's outcome as the verdict counts it (fail closed: anything that did not complete is not a pass). */
export function outcomeOf(t: TestLike): Outcome {
  if (t.ran === false || t.status === 'interrupted') return 'not-run';
  if (t.outcome === 'flaky') return 'flaky';
  if (t.outcome === 'unexpected') return 'failed';
  if (t.outcome === 'skipped' || t.status === 'skipped') return 'skipped';
  return 'passed';
}

export function historyFile(env: Record<string, string | undefined>, reportsDir: string): string {
  return outputsIn(reportsDir, env).history;
}

/** Every well-formed line of the history, oldest first; a broken line (a run killed mid-write) is skipped, not fatal. */
export function readHistory(file: string): HistoryEntry[] {
  if (!existsSync(file)) return [];
  const out: HistoryEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line);
      if (e && typeof e.runId === 'string' && typeof e.verdict === 'string' && e.tests && typeof e.tests === 'object') out.push(e);
    } catch {
      /* skipped */
    }
  }
  return out;
}

/** Appends one run, redacted (test titles and the target's name are written as they came, and kept for 30 runs and more). */
export function appendHistory(file: string, entry: HistoryEntry, redact: (text: string) => string = redactPatterns): void {
  mkdirSync(dirname(file), { recursive: true });
  const safe: HistoryEntry = { ...redactDeep(entry, redact), tests: Object.fromEntries(Object.entries(entry.tests).map(([k, o]) => [redact(k), o])) };
  appendFileSync(file, JSON.stringify(safe) + '\n');
}

export function historyEntry(v: { runId?: string; finishedAt: string; target: { name: string }; verdict: string; release?: string }, tests: TestLike[]): HistoryEntry {
  const out: Record<string, Outcome> = {};
  for (const t of tests) out[testKey(t)] = outcomeOf(t);
  return { runId: v.runId ?? `unnamed-${v.finishedAt}`, time: v.finishedAt, target: v.target.name, verdict: v.verdict, ...(v.release ? { release: v.release } : {}), tests: out };
}

const failing = (o: Outcome | undefined, allowFlaky: boolean) => o === 'failed' || o === 'not-run' || o === 'skipped' || (o === 'flaky' && !allowFlaky);

/** The current run compared with the last GO run of the history (on the same target); undefined when there is none. */
export function sinceLastGo(history: HistoryEntry[], current: HistoryEntry, allowFlaky = false): SinceLastGo | undefined {
  const lastGo = [...history].reverse().find((e) => e.verdict === 'GO' && e.target === current.target && e.runId !== current.runId);
  if (!lastGo) return undefined;
  const now = Object.keys(current.tests);
  const then = Object.keys(lastGo.tests);
  const bad = (e: HistoryEntry, k: string) => failing(e.tests[k], allowFlaky);
  return {
    runId: lastGo.runId,
    time: lastGo.time,
    newFailures: now.filter((k) => bad(current, k) && !bad(lastGo, k)).sort(),
    fixed: then.filter((k) => bad(lastGo, k) && k in current.tests && !bad(current, k)).sort(),
    stillFailing: now.filter((k) => bad(current, k) && bad(lastGo, k)).sort(),
  };
}

/** Pass rates over the last `window` runs of the same target (the current one included) of every test that was flaky in any of them. */
export function flakyRates(history: HistoryEntry[], current: HistoryEntry, window = FLAKY_WINDOW): FlakyRate[] {
  const runs = [...history.filter((e) => e.runId !== current.runId && e.target === current.target), current].slice(-window);
  const keys = new Set(runs.flatMap((e) => Object.entries(e.tests).filter(([, o]) => o === 'flaky').map(([k]) => k)));
  return [...keys].sort().map((test) => {
    const seen = runs.map((e) => e.tests[test]).filter((o): o is Outcome => o !== undefined);
    const passed = seen.filter((o) => o === 'passed').length;
    return {
      test,
      runs: seen.length,
      passed,
      flaky: seen.filter((o) => o === 'flaky').length,
      failed: seen.filter((o) => o === 'failed' || o === 'not-run').length,
      passRate: seen.length ? Math.round((passed / seen.length) * 100) / 100 : 0,
    };
  });
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const names = (list: string[], max = 3) => list.slice(0, max).join('; ') + (list.length > max ? `; +${list.length - max} more` : '');

/** The one line people read: "2 new failures since the last GO (run …): a; b". */
export function historyLine(since: SinceLastGo | undefined, flaky: FlakyRate[] = []): string {
  const parts: string[] = [];
  if (!since) parts.push('no GO run in the history yet to compare with');
  else {
    parts.push(`${plural(since.newFailures.length, 'new failure')} since the last GO (run ${since.runId})${since.newFailures.length ? `: ${names(since.newFailures)}` : ''}`);
    if (since.stillFailing.length) parts.push(`still failing: ${names(since.stillFailing)}`);
    if (since.fixed.length) parts.push(`fixed: ${names(since.fixed)}`);
  }
  if (flaky.length) parts.push(`flaky: ${flaky.map((f) => `${f.test} passed ${f.passed}/${f.runs} runs (${Math.round(f.passRate * 100)}%)`).join('; ')}`);
  return parts.join('; ');
}

export interface HistoryUpdate {
  sinceLastGo?: SinceLastGo;
  flakyPassRates: { window: number; tests: FlakyRate[] };
  line: string;
  entry: HistoryEntry;
}

/** Reads the history and compares the run with it (nothing is written: the caller appends `entry` once the verdict is out). */
export function compareWithHistory(file: string, v: Parameters<typeof historyEntry>[0] & { allowFlaky?: boolean }, tests: TestLike[], window = FLAKY_WINDOW): HistoryUpdate {
  const history = readHistory(file);
  const entry = historyEntry(v, tests);
  const since = sinceLastGo(history, entry, v.allowFlaky ?? false);
  const rates = flakyRates(history, entry, window);
  return { ...(since ? { sinceLastGo: since } : {}), flakyPassRates: { window, tests: rates }, line: historyLine(since, rates), entry };
}
