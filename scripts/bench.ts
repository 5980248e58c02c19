// npm run bench -- --runs N: times N warm runs of the gate and breaks one into phases, its critical path and the event-observation lag.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { scriptArgs } from './args';
import { EXIT } from './exit-codes';
import { refuseBadSmokeOptions } from './smoke-args';
import { interruptChild, stopOnSignal } from './signals';
import { benchFile, breakdown, checkTargets, formatBench, lagOf, spread, type RawRun } from '../helpers/render/bench';
import type { StackHandle } from '../stack';

const { values, rest } = scriptArgs({
  usage: `usage: npm run bench -- [--runs N] [--out FILE] [-- <npm run smoke options>]
  Runs npm run smoke N times (default 5) against the configured target, or one embedded stack started for all runs
  when there is no KONG_URL (as npm run soak does), and prints the median and spread of the runs' wall time; then,
  for the median run, the phases (runner start, each worker's start, each fixture's set-up and teardown, each test,
  worker teardown, verdict and reports) and the critical path (the worker slot that finished last, step by step);
  and the lag from the broker's append to the observer seeing each awaited event (p50, p95) over all runs.
  --cold first times one npm run smoke that starts its own embedded stack (no target variables), before anything else
  runs, and checks it against the cold target too. The table ends with issue 15's targets, met or not.
  Writes the same as JSON to reports/bench.json (--out FILE for another). Exit 0 when every run was GO, 1 when one
  was not, 2 when no run recorded its timings or the stack could not start.`,
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
const out = String(values.out ?? join(root, 'reports', 'bench.json'));

function smoke(env: Record<string, string>): Promise<{ status: number | null; output: string; spawnAt: number; closeAt: number }> {
  return new Promise((resolveRun) => {
    const spawnAt = Date.now();
    // Asynchronous on purpose: the embedded stack lives in this process, and a blocking spawn would freeze it.
    const child = spawn(process.execPath, ['--require', './scripts/code-cache.cjs', '--require', 'tsx/cjs', 'scripts/smoke.ts', ...rest], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolveRun({ status, output, spawnAt, closeAt: Date.now() });
    });
  });
}

/** One cold npm run smoke: no target variables, so it starts (and stops) an embedded stack of its own. */
async function coldRun(env: Record<string, string>): Promise<{ ms: number; verdict: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-bench-cold-'));
  try {
    const r = await smoke({ ...env, FLOWGATE_REPORTS_DIR: dir });
    const file = join(dir, 'go-no-go.json');
    const verdict = r.status === 2 || !existsSync(file) ? 'could not evaluate' : JSON.parse(readFileSync(file, 'utf8')).verdict;
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
  const done: { raw: RawRun; verdict: string; wallMs: number }[] = [];
  try {
    for (let i = 1; i <= runs; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'flowgate-bench-'));
      const rawFile = join(dir, 'bench-raw.json');
      const r = await smoke({ ...env, FLOWGATE_REPORTS_DIR: dir, BENCH_RAW_FILE: rawFile });
      const file = join(dir, 'go-no-go.json');
      const verdict = r.status === 2 || !existsSync(file) ? 'could not evaluate' : JSON.parse(readFileSync(file, 'utf8')).verdict;
      if (!existsSync(rawFile)) {
        console.error(`bench run ${i}/${runs}: ${verdict}, no timings recorded; output:\n${r.output.slice(-1500)}`);
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      const raw: RawRun = { ...JSON.parse(readFileSync(rawFile, 'utf8')), spawnAt: r.spawnAt, closeAt: r.closeAt };
      done.push({ raw, verdict, wallMs: r.closeAt - r.spawnAt });
      console.log(`bench run ${i}/${runs}: ${verdict} in ${((r.closeAt - r.spawnAt) / 1000).toFixed(1)} s`);
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await stack?.stop();
  }
  if (!done.length) throw new Error('no run recorded its timings');
  const walls = done.map((d) => d.wallMs);
  const runsSpread = spread(walls);
  const median = done.find((d) => d.wallMs === runsSpread.medianMs)!;
  const run = breakdown(median.raw);
  const lag = lagOf(done.flatMap((d) => d.raw.tests.flatMap((t) => t.events)));
  const load = [loadBefore[0], loadavg()[0]];
  console.log(`\n${formatBench({ runs: runsSpread, run, lag, load, coldMs: cold?.ms })}`);
  mkdirSync(join(out, '..'), { recursive: true });
  const targets = checkTargets({ runs: runsSpread, lag, coldMs: cold?.ms });
  writeFileSync(out, benchFile({ at: new Date().toISOString(), target: env.FLOWGATE_TARGET_NAME ?? env.KONG_URL, loadAverage: { before: loadBefore, after: loadavg() }, ...(cold ? { cold } : {}), runs: done.map((d) => ({ verdict: d.verdict, wallMs: d.wallMs })), spread: runsSpread, lag, targets, medianRun: run }, env));
  console.log(`bench: written to ${out}`);
  const notGo = done.filter((d) => d.verdict !== 'GO').length + (runs - done.length) + (cold && cold.verdict !== 'GO' ? 1 : 0);
  if (notGo) console.log(`bench: ${notGo} of ${runs} run(s) were not GO: their timings describe a failing run`);
  process.exit(notGo ? 1 : 0);
}

main().catch((err) => {
  console.error(`bench: ${err?.message ?? err}`);
  process.exit(2);
});
