// npm run bench -- --runs N: times N warm runs of the gate and breaks one into phases, its critical path and the event-observation lag.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { scriptArgs } from './args';
import { EXIT } from './exit-codes';
import { refuseBadSmokeOptions } from './smoke-args';
import { interruptChild, stopOnSignal } from './signals';
import { benchFile, breakdown, checkTargets, formatBench, lagOf, ratioOf, spread, type RawRun } from '../helpers/render/bench';
import { parseBashTimes, treeCpuSeconds } from '../helpers/render/cpu';
import type { StackHandle } from '../stack';
import { OUTPUT_NAMES, outputsIn, reportsDir } from '../helpers/config/paths';
import { verdictOrUndefined } from '../helpers/config/verdict-file';

const { values, rest } = scriptArgs({
  usage: `usage: npm run bench -- [--runs N] [--out FILE] [-- <npm run smoke options>]
  Runs npm run smoke N times (default 5) against the configured target, or one embedded stack started for all runs
  when there is no KONG_URL (as npm run soak does), alternating with N runs of the naive baseline (the four flows as
  plain requests and polls one after another, no checks: scripts/naive-flows.ts), and prints the median and spread of
  each, gate / baseline, and the CPU seconds of one warm run (its runner and workers; the stack's processes); then,
  for the median run, the phases (runner start, each worker's start, each fixture's set-up and teardown, each test,
  worker teardown, verdict and reports) and the critical path (the worker slot that finished last, step by step);
  and the lag from the broker's append to the observer seeing each awaited event (p50, p95) over all runs.
  --cold first times one npm run smoke that starts its own embedded stack (no target variables), before anything else
  runs. The table ends with the targets (gate / baseline, CPU of a run, observation lag), met or not.
  Writes the same as JSON to reports/bench.json (--out FILE for another). Exit 0 when every run was GO, 1 when one
  was not (or a baseline run failed), 2 when no run recorded its timings or the stack could not start.`,
  options: { runs: { type: 'string' }, out: { type: 'string' }, cold: { type: 'boolean' } },
});
const runsArg = String(values.runs ?? 5);
if (!/^\d+$/.test(runsArg) || Number(runsArg) < 1) {
  console.error(`flowgate: --runs must be a positive integer, got ${JSON.stringify(values.runs)} (exit ${EXIT.USAGE})`);
  process.exit(EXIT.USAGE);
}
// Each smoke run's options are checked now, not after a stack has started for them.
refuseBadSmokeOptions(rest);
const runs = Number(runsArg);
const root = join(__dirname, '..');
const out = String(values.out ?? join(reportsDir(), OUTPUT_NAMES.bench));

interface Timed {
  status: number | null;
  output: string;
  spawnAt: number;
  closeAt: number;
  /** user + system seconds of the whole process tree (bash's `times` after it exits: every descendant it reaped) */
  cpuS?: number;
  /** CPU seconds the embedded stack's processes spent meanwhile */
  stackCpuS?: number;
}

/** The CPU seconds of this process (it hosts the embedded stack's services) and of its live descendants but `skip`. */
function stackCpu(skip: number[]): number {
  const stats: string[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      stats.push(readFileSync(`/proc/${d}/stat`, 'utf8'));
    } catch {
      // gone since the listing
    }
  }
  const own = process.cpuUsage();
  return (own.user + own.system) / 1e6 + treeCpuSeconds(process.pid, stats, 100, skip);
}

/** One process of the script (tsx) under bash, timed, with the CPU of its whole tree. */
function timed(script: string, args: string[], env: Record<string, string>): Promise<Timed> {
  return new Promise((resolveRun) => {
    const spawnAt = Date.now();
    const stackBefore = stackCpu([]);
    const node = [process.execPath, '--require', './scripts/code-cache.cjs', '--require', 'tsx/cjs', script, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    // Asynchronous on purpose: the embedded stack lives in this process, and a blocking spawn would freeze it.
    const child = spawn('bash', ['-c', `${node}; s=$?; times >&3; exit $s`], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    current = child;
    let output = '';
    let times = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d) => (times += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolveRun({ status, output, spawnAt, closeAt: Date.now(), cpuS: parseBashTimes(times), stackCpuS: stackCpu([]) - stackBefore });
    });
  });
}

const smoke = (env: Record<string, string>) => timed('scripts/smoke.ts', rest, env);

/** One naive baseline run: its wall time as a process, like the gate's. */
async function baselineRun(env: Record<string, string>, i: number): Promise<number | undefined> {
  const r = await timed('scripts/naive-flows.ts', [], env);
  if (r.status !== 0) {
    console.error(`bench baseline run ${i}/${runs} failed; output:\n${r.output.slice(-1500)}`);
    return undefined;
  }
  console.log(`bench baseline run ${i}/${runs}: ${((r.closeAt - r.spawnAt) / 1000).toFixed(1)} s`);
  return r.closeAt - r.spawnAt;
}

const median = (xs: number[]) => (xs.length ? spread(xs).medianMs : undefined);

/** One cold npm run smoke: no target variables, so it starts (and stops) an embedded stack of its own. */
async function coldRun(env: Record<string, string>): Promise<{ ms: number; verdict: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-bench-cold-'));
  try {
    const r = await smoke({ ...env, FLOWGATE_REPORTS_DIR: dir });
    const verdict = (r.status !== 2 && verdictOrUndefined(outputsIn(dir).verdictJson)?.verdict) || 'could not evaluate';
    if (verdict !== 'GO') console.error(`bench cold run: ${verdict}; output:\n${r.output.slice(-1500)}`);
    return { ms: r.closeAt - r.spawnAt, verdict };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The smoke run under way, stopped with the stack on Ctrl-C. */
let current: ChildProcess | undefined;

async function main() {
  let stack: StackHandle | undefined;
  stopOnSignal('the smoke run and the stack', async () => {
    await interruptChild(current);
    await stack?.stop();
  });
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  let cold: { ms: number; verdict: string } | undefined;
  if (values.cold) {
    if (env.KONG_URL) throw new Error('--cold times a run that starts its own embedded stack: unset KONG_URL and the other target variables');
    cold = await coldRun(env);
    console.log(`bench cold run: ${cold.verdict} in ${(cold.ms / 1000).toFixed(1)} s (stack start included)`);
  }
  if (!env.KONG_URL) {
    // Loaded only when it starts one (a required module: the scripts run as CommonJS under tsx/cjs).
    const { startStack } = require('../stack') as typeof import('../stack');
    stack = await startStack();
    const { STACK_CONTROL_URL: _c, ...target } = stack.env;
    Object.assign(env, target);
  }
  const loadBefore = loadavg();
  const done: { raw: RawRun; verdict: string; wallMs: number; cpuS?: number; stackCpuS?: number }[] = [];
  const baseline: number[] = [];
  try {
    for (let i = 1; i <= runs; i++) {
      // Alternating, so both meet the same machine: a slow minute slows both.
      const b = await baselineRun(env, i);
      if (b !== undefined) baseline.push(b);
      const dir = mkdtempSync(join(tmpdir(), 'flowgate-bench-'));
      const rawFile = join(dir, 'bench-raw.json');
      const r = await smoke({ ...env, FLOWGATE_REPORTS_DIR: dir, BENCH_RAW_FILE: rawFile });
      const verdict = (r.status !== 2 && verdictOrUndefined(outputsIn(dir).verdictJson)?.verdict) || 'could not evaluate';
      if (!existsSync(rawFile)) {
        console.error(`bench run ${i}/${runs}: ${verdict}, no timings recorded; output:\n${r.output.slice(-1500)}`);
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      const raw: RawRun = { ...JSON.parse(readFileSync(rawFile, 'utf8')), spawnAt: r.spawnAt, closeAt: r.closeAt };
      done.push({ raw, verdict, wallMs: r.closeAt - r.spawnAt, cpuS: r.cpuS, stackCpuS: stack ? r.stackCpuS : undefined });
      console.log(`bench run ${i}/${runs}: ${verdict} in ${((r.closeAt - r.spawnAt) / 1000).toFixed(1)} s`);
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await stack?.stop();
  }
  if (!done.length) throw new Error('no run recorded its timings');
  const walls = done.map((d) => d.wallMs);
  const runsSpread = spread(walls);
  const medianRun = done.find((d) => d.wallMs === runsSpread.medianMs)!;
  const run = breakdown(medianRun.raw);
  const runnerS = median(done.flatMap((d) => (d.cpuS === undefined ? [] : [d.cpuS * 1000])));
  const stackS = median(done.flatMap((d) => (d.stackCpuS === undefined ? [] : [d.stackCpuS * 1000])));
  const cpu = runnerS === undefined ? undefined : { runnerS: runnerS / 1000, ...(stackS !== undefined ? { stackS: stackS / 1000 } : {}) };
  const baselineSpread = baseline.length ? spread(baseline) : undefined;
  const lag = lagOf(done.flatMap((d) => d.raw.tests.flatMap((t) => t.events)));
  const load = [loadBefore[0], loadavg()[0]];
  const figures = { runs: runsSpread, ...(baselineSpread ? { baseline: baselineSpread } : {}), ...(cpu ? { cpu } : {}), lag, coldMs: cold?.ms };
  console.log(`\n${formatBench({ ...figures, run, load })}`);
  mkdirSync(join(out, '..'), { recursive: true });
  const targets = checkTargets(figures);
  writeFileSync(out, benchFile({ at: new Date().toISOString(), target: env.FLOWGATE_TARGET_NAME ?? env.KONG_URL, loadAverage: { before: loadBefore, after: loadavg() }, ...(cold ? { cold } : {}), runs: done.map((d) => ({ verdict: d.verdict, wallMs: d.wallMs, cpuS: d.cpuS, stackCpuS: d.stackCpuS })), spread: runsSpread, baseline: { runsMs: baseline, ...(baselineSpread ? { spread: baselineSpread } : {}) }, ratio: ratioOf(figures), cpu, lag, targets, criticalPath: run.criticalPath, medianRun: run }, env));
  console.log(`bench: written to ${out}`);
  const notGo = done.filter((d) => d.verdict !== 'GO').length + (runs - done.length) + (cold && cold.verdict !== 'GO' ? 1 : 0) + (runs - baseline.length);
  if (notGo) console.log(`bench: ${notGo} run(s) were not GO or a baseline run failed: their timings describe a failing run`);
  process.exit(notGo ? 1 : 0);
}

main().catch((err) => {
  console.error(`bench: ${err?.message ?? err}`);
  process.exit(2);
});
