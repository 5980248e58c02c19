// The bench model: turns one run's raw timings (bench reporter) into phases, the critical path and the event-observation lag.
import { withoutCredentials } from '../errors';
import { redactDeep } from '../redact';
import { redactorFromEnv } from '../config/secrets';
import { PREFLIGHT } from '../verdict/projects';
export interface RawStep {
  title: string;
  /** Playwright's step category: 'hook' (Before/After Hooks), 'fixture', 'test.step', 'expect', 'pw:api' … */
  category: string;
  startAt: number;
  durationMs: number;
  steps: RawStep[];
}

export interface RawTest {
  project: string;
  title: string;
  workerIndex: number;
  parallelIndex: number;
  startAt: number;
  durationMs: number;
  status: string;
  steps: RawStep[];
  /** awaited events: the broker's append time and when the observer saw it (ms epoch) */
  events: { topic: string; brokerAt: number; seenAt: number }[];
}

export interface RawRun {
  /** when the bench spawned npm run smoke (ms epoch); set by the bench */
  spawnAt?: number;
  /** Playwright's onBegin: config loaded, global setup about to run */
  beginAt: number;
  /** onEnd of the bench reporter (listed first): the tests and worker teardown are over */
  endAt: number;
  /** onExit: every reporter's onEnd (the verdict, the reports) is done */
  exitAt: number;
  /** when the smoke process exited (ms epoch); set by the bench */
  closeAt?: number;
  tests: RawTest[];
}

export interface Phase {
  /** e.g. 'runner start', 'worker 3 start', 'set-up _observer', 'test auth › register …', 'verdict and reports' */
  name: string;
  ms: number;
  /** how many times it happened in the run (set-ups: once per worker that needed it) */
  count: number;
}

export interface Segment {
  name: string;
  /** ms since the run was spawned (or since onBegin when the spawn time is unknown) */
  startMs: number;
  ms: number;
}

export interface TestTiming {
  project: string;
  title: string;
  worker: number;
  slot: number;
  startMs: number;
  ms: number;
  setupMs: number;
  bodyMs: number;
  teardownMs: number;
  status: string;
}

export interface Lag {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

export interface Breakdown {
  wallMs: number;
  phases: Phase[];
  tests: TestTiming[];
  /** the chain of work that decided the wall time, in order */
  criticalPath: Segment[];
  /** the worker slot (parallelIndex) that finished last */
  lastSlot: number;
  lag: Lag;
}

/** Nearest-rank percentile of unsorted numbers (0 for none). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function lagOf(events: { brokerAt: number; seenAt: number }[]): Lag {
  const lags = events.map((e) => Math.max(0, e.seenAt - e.brokerAt));
  return { count: lags.length, p50: percentile(lags, 50), p95: percentile(lags, 95), max: lags.length ? Math.max(...lags) : 0 };
}

/** Median and spread (min, max) of the runs' wall times. */
export function spread(ms: number[]): { runs: number; medianMs: number; minMs: number; maxMs: number } {
  return { runs: ms.length, medianMs: percentile(ms, 50), minMs: ms.length ? Math.min(...ms) : 0, maxMs: ms.length ? Math.max(...ms) : 0 };
}

const FIXTURE = /^Fixture "(.+)"$/;
const hook = (t: RawTest, title: string) => t.steps.find((s) => s.category === 'hook' && s.title === title);
const fixtures = (s: RawStep | undefined) => (s?.steps ?? []).flatMap((x) => (x.category === 'fixture' && FIXTURE.test(x.title) ? [{ name: FIXTURE.exec(x.title)![1], ms: x.durationMs }] : []));
// A result's duration leaves some fixture time out; the test ends when its last top-level step (After Hooks) does.
const endOf = (t: RawTest) => Math.max(t.startAt + t.durationMs, ...t.steps.map((s) => s.startAt + s.durationMs));
const label = (t: RawTest) => `${t.project} › ${t.title}`;

/** The critical path: the slot whose last test ended last, its tests in order, and what its first test waited for. */
function criticalPath(run: RawRun, tests: RawTest[], t0: number, lastEnd: number): { path: Segment[]; lastSlot: number } {
  const last = tests.find((t) => endOf(t) === lastEnd);
  const lastSlot = last?.parallelIndex ?? 0;
  const path: Segment[] = [];
  const seg = (name: string, from: number, to: number) => {
    if (to > from) path.push({ name, startMs: from - t0, ms: to - from });
  };
  if (run.spawnAt !== undefined) seg('runner start', run.spawnAt, run.beginAt);
  const chain = tests.filter((t) => t.parallelIndex === lastSlot);
  let cursor = run.beginAt;
  if (chain.length) {
    // Its first test waited for the tests that had ended when it started on other slots only if it depends on them
    // (everything after the preflight: playwright.config.ts): shown as the chain's head when preflight ran elsewhere.
    const pre = tests.find((t) => t.project === PREFLIGHT);
    if (pre && pre.parallelIndex !== lastSlot && endOf(pre) <= chain[0].startAt && chain[0].project !== PREFLIGHT) {
      seg(`wait for ${label(pre)} (slot ${pre.parallelIndex})`, cursor, endOf(pre));
      cursor = endOf(pre);
    }
  }
  let worker = -1;
  for (const t of chain) {
    const startName = t.workerIndex !== worker ? `worker ${t.workerIndex} start (${t.project})` : 'between tests';
    seg(startName, cursor, t.startAt);
    worker = t.workerIndex;
    const before = hook(t, 'Before Hooks');
    const after = hook(t, 'After Hooks');
    const heavy = fixtures(before).filter((f) => f.ms >= 100).map((f) => `${f.name} ${f.ms}`).join(', ');
    seg(`set-up of ${label(t)}${heavy ? ` (${heavy} ms)` : ''}`, t.startAt, t.startAt + (before?.durationMs ?? 0));
    const bodyEnd = after?.startAt ?? endOf(t);
    seg(`body of ${label(t)}`, t.startAt + (before?.durationMs ?? 0), bodyEnd);
    seg(`teardown of ${label(t)}`, bodyEnd, endOf(t));
    cursor = Math.max(cursor, endOf(t));
  }
  seg('worker teardown', cursor, run.endAt);
  seg('verdict and reports', run.endAt, run.exitAt);
  if (run.closeAt !== undefined) seg('process exit', run.exitAt, run.closeAt);
  return { path, lastSlot };
}

/** One run's breakdown: phases (what the time went to), tests, the critical path and the observation lag. */
export function breakdown(run: RawRun): Breakdown {
  const t0 = run.spawnAt ?? run.beginAt;
  const close = run.closeAt ?? run.exitAt;
  const tests = [...run.tests].sort((a, b) => a.startAt - b.startAt);
  const phases = new Map<string, Phase>();
  const add = (name: string, ms: number) => {
    const p = phases.get(name) ?? { name, ms: 0, count: 0 };
    p.ms += Math.max(0, ms);
    p.count += 1;
    phases.set(name, p);
  };
  if (run.spawnAt !== undefined) add('runner start (spawn → Playwright onBegin)', run.beginAt - run.spawnAt);

  // A worker's start: from when its slot was free (run begin, or the slot's previous test's end) to its first test.
  const slotFree = new Map<number, number>();
  const seenWorker = new Set<number>();
  const gapBefore = new Map<RawTest, number>();
  for (const t of tests) {
    const free = slotFree.get(t.parallelIndex) ?? run.beginAt;
    gapBefore.set(t, Math.max(0, t.startAt - free));
    if (!seenWorker.has(t.workerIndex)) {
      seenWorker.add(t.workerIndex);
      add(`worker start (process, test file load, until its first test), ${t.project}`, t.startAt - free);
    }
    slotFree.set(t.parallelIndex, Math.max(free, endOf(t)));
  }

  const timings: TestTiming[] = tests.map((t) => {
    const before = hook(t, 'Before Hooks');
    const after = hook(t, 'After Hooks');
    for (const f of fixtures(before)) if (f.ms >= 1) add(`set-up ${f.name}`, f.ms);
    for (const f of fixtures(after)) if (f.ms >= 1) add(`teardown ${f.name}`, f.ms);
    const setupMs = before?.durationMs ?? 0;
    const teardownMs = after?.durationMs ?? 0;
    const bodyMs = Math.max(0, (after?.startAt ?? endOf(t)) - (before ? before.startAt + before.durationMs : t.startAt));
    add(`test ${label(t)}`, bodyMs);
    return { project: t.project, title: t.title, worker: t.workerIndex, slot: t.parallelIndex, startMs: t.startAt - t0, ms: endOf(t) - t.startAt, setupMs, bodyMs, teardownMs, status: t.status };
  });

  const lastEnd = tests.length ? Math.max(...tests.map(endOf)) : run.beginAt;
  add('worker teardown (last test → onEnd)', run.endAt - lastEnd);
  add('verdict and reports (onEnd → onExit)', run.exitAt - run.endAt);
  if (run.closeAt !== undefined) add('process exit (onExit → exit)', run.closeAt - run.exitAt);

  const { path, lastSlot } = criticalPath(run, tests, t0, lastEnd);

  return {
    wallMs: close - t0,
    phases: [...phases.values()].sort((a, b) => b.ms - a.ms),
    tests: timings,
    criticalPath: path,
    lastSlot,
    lag: lagOf(run.tests.flatMap((t) => t.events)),
  };
}

const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(9);

/**
 * The targets on a 2-core machine, as ratios and CPU that do not depend on the machine's speed: the warm gate against
 * the naive baseline (the same flows as plain requests one after another, alternating with it in one bench), the CPU
 * of one warm run's runner and workers, and the observation lag.
 */
export const TARGETS = { gateToBaseline: 2.0, runnerCpuS: 15, lagP95Ms: 50 } as const;

export interface TargetCheck {
  what: string;
  limit: string;
  measured: string;
  met: boolean;
}

export interface CpuFigures {
  /** user + system seconds of one warm run's process tree (npm run smoke, the Playwright runner, its workers, Chromium): median over the runs */
  runnerS: number;
  /** the same for the embedded stack's processes over one run (its Node process, Kafka, PostgreSQL, Redis): median; absent on a remote target */
  stackS?: number;
}

export interface BenchFigures {
  runs: ReturnType<typeof spread>;
  /** the naive baseline's runs, alternating with the gate's */
  baseline?: ReturnType<typeof spread>;
  cpu?: CpuFigures;
  lag: Lag;
  coldMs?: number;
}

/** gate / baseline, medians of each; undefined without a baseline. */
export function ratioOf(b: Pick<BenchFigures, 'runs' | 'baseline'>): number | undefined {
  return b.baseline && b.baseline.medianMs > 0 ? b.runs.medianMs / b.baseline.medianMs : undefined;
}

/** Each target against what the bench measured; one it could not measure is not met. */
export function checkTargets(b: BenchFigures): TargetCheck[] {
  const ratio = ratioOf(b);
  return [
    { what: 'warm gate / naive baseline (medians)', limit: `≤ ${TARGETS.gateToBaseline.toFixed(1)}×`, measured: ratio === undefined ? 'not measured' : `${ratio.toFixed(2)}×`, met: ratio !== undefined && ratio <= TARGETS.gateToBaseline },
    { what: 'CPU of one warm run (runner and workers)', limit: `≤ ${TARGETS.runnerCpuS} s`, measured: b.cpu ? `${b.cpu.runnerS.toFixed(1)} s` : 'not measured', met: !!b.cpu && b.cpu.runnerS <= TARGETS.runnerCpuS },
    { what: 'event observation lag, p95', limit: `≤ ${TARGETS.lagP95Ms} ms`, measured: `${b.lag.p95} ms`, met: b.lag.count > 0 && b.lag.p95 <= TARGETS.lagP95Ms },
  ];
}

const spreadLine = (r: ReturnType<typeof spread>) => `median ${sec(r.medianMs).trim()}, min ${sec(r.minMs).trim()}, max ${sec(r.maxMs).trim()}`;

/** The console table of a bench: the runs against the baseline, CPU, one run's phases and critical path, the observation lag. */
export function formatBench(b: BenchFigures & { run: Breakdown; load?: number[] }): string {
  const out: string[] = [];
  out.push(`bench: ${b.runs.runs} warm run(s) of the gate — ${spreadLine(b.runs)}${b.load ? `; load average ${b.load.map((x) => x.toFixed(2)).join(' ')}` : ''}`);
  if (b.baseline) out.push(`bench: ${b.baseline.runs} naive baseline run(s), alternating — ${spreadLine(b.baseline)}; gate / baseline ${ratioOf(b)!.toFixed(2)}×`);
  if (b.cpu) out.push(`bench: CPU of one warm run (median): runner and workers ${b.cpu.runnerS.toFixed(1)} s${b.cpu.stackS !== undefined ? `, the stack's processes ${b.cpu.stackS.toFixed(1)} s` : ''}`);
  if (b.coldMs !== undefined) out.push(`bench: cold npm run smoke (stack start included) ${sec(b.coldMs).trim()}`);
  out.push('', `phases of the median run (${sec(b.run.wallMs).trim()} wall; work on different workers overlaps, so they sum to more):`, `${pad('phase', 78)} ${'time'.padStart(9)}  count`);
  for (const p of b.run.phases) out.push(`${pad(p.name, 78)} ${sec(p.ms)}  ${String(p.count).padStart(5)}`);
  out.push('', `critical path (slot ${b.run.lastSlot} finished last):`, `${pad('segment', 78)} ${'at'.padStart(9)} ${'time'.padStart(9)}`);
  for (const s of b.run.criticalPath) out.push(`${pad(s.name, 78)} ${sec(s.startMs)} ${sec(s.ms)}`);
  out.push('', `event observation lag (broker append → observer saw it), ${b.lag.count} awaited events over all runs: p50 ${b.lag.p50} ms, p95 ${b.lag.p95} ms, max ${b.lag.max} ms`);
  out.push('', 'targets (2 cores; ratios and CPU, measured in this bench):', `${pad('target', 50)} ${'limit'.padEnd(10)} ${'measured'.padEnd(12)} met`);
  for (const t of checkTargets(b)) out.push(`${pad(t.what, 50)} ${t.limit.padEnd(10)} ${t.measured.padEnd(12)} ${t.met ? 'yes' : 'NO'}`);
  return out.join('\n');
}

/** reports/bench.json's text: the target named without credentials, and every string redacted (step titles and the gateway's address come from the run). */
export function benchFile(report: { target?: string } & Record<string, unknown>, env: Record<string, string | undefined>): string {
  const target = report.target === undefined ? undefined : withoutCredentials(report.target);
  return JSON.stringify(redactDeep({ ...report, ...(target !== undefined ? { target } : {}) }, redactorFromEnv(env)), null, 2);
}
