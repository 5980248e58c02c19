// npm run soak -- --runs N: runs the healthy flows N times in a row (one embedded stack, or the configured target) and counts verdicts.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { scriptArgs } from './args';
import { EXIT } from './exit-codes';
import { refuseBadSmokeOptions } from './smoke-args';
import { interruptChild, stopOnSignal } from './signals';
import type { StackHandle } from '../stack';
import { outputsIn } from '../helpers/config/paths';
import { verdictOrUndefined } from '../helpers/config/verdict-file';

const { values, rest } = scriptArgs({
  usage: `usage: npm run soak -- [--runs N] [-- <npm run smoke options>]
  Runs npm run smoke N times in a row (default 10) against the configured target, or one embedded stack started
  for all runs when there is no KONG_URL, and counts GO / NO-GO / could not evaluate with the median and slowest time.
  --plaintext uses the debugging stack (to measure what TLS and SASL cost; its runs are NO-GO on criteria 4, 5, 6) and
  passes --plaintext to each smoke run, which refuses a target in clear without it.
  Exit 0 when every run was GO, 1 when one was not, 2 when the stack could not start. Options after a second -- go to each smoke run, e.g. -- --grep auth.`,
  options: { runs: { type: 'string' }, plaintext: { type: 'boolean' } },
});
const runs = Number(values.runs ?? 10);
if (!/^\d+$/.test(String(values.runs ?? 10)) || runs < 1) {
  console.error(`flowgate: --runs must be a positive integer, got ${JSON.stringify(values.runs)} (exit ${EXIT.USAGE})`);
  process.exit(EXIT.USAGE);
}
// Each smoke run's options are checked now, not after a stack has started for them.
refuseBadSmokeOptions(rest);
const plaintext = values.plaintext === true;
const passthrough = rest;
const root = join(__dirname, '..');

function run(args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolveRun({ status, stdout, stderr });
    });
  });
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
  if (!env.KONG_URL) {
    // Loaded only when it starts one (a required module: the scripts run as CommonJS under tsx/cjs).
    const { startStack } = require('../stack') as typeof import('../stack');
    stack = await startStack({ plaintext });
    const { STACK_CONTROL_URL: _c, ...target } = stack.env;
    Object.assign(env, target);
  }
  const counts: Record<string, number> = { GO: 0, 'NO-GO': 0, 'could not evaluate': 0 };
  const failures: string[] = [];
  const durations: number[] = [];
  try {
    for (let i = 1; i <= runs; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'flowgate-soak-'));
      const started = Date.now();
      // Asynchronous on purpose: the embedded stack lives in this process, and a blocking spawn would freeze it.
      const r = await run(['--require', './scripts/code-cache.cjs', '--require', 'tsx/cjs', 'scripts/smoke.ts', ...(plaintext ? ['--plaintext'] : []), ...passthrough], { ...env, FLOWGATE_REPORTS_DIR: dir }, 600_000);
      const seconds = (Date.now() - started) / 1000;
      durations.push(seconds);
      const verdict = verdictOrUndefined(outputsIn(dir).verdictJson);
      const label = r.status === 2 || !verdict ? 'could not evaluate' : verdict.verdict;
      counts[label] = (counts[label] ?? 0) + 1;
      if (label !== 'GO') {
        const why = (verdict?.flows ?? []).filter((f) => f.status !== 'passed').map((f) => `${f.name}: ${f.failingStep?.title ?? f.status} — ${f.failingStep?.error ?? ''}`);
        failures.push(`run ${i}: ${label}${why.length ? `\n    ${why.join('\n    ')}` : `\n    ${(r.stdout + r.stderr).slice(-800)}`}`);
      }
      console.log(`soak run ${i}/${runs}: ${label} in ${seconds.toFixed(1)} s`);
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await stack?.stop();
  }
  durations.sort((a, b) => a - b);
  console.log(`\nsoak: ${runs} runs — GO ${counts.GO}, NO-GO ${counts['NO-GO']}, could not evaluate ${counts['could not evaluate']}; ` +
    `median ${durations[Math.floor(durations.length / 2)].toFixed(1)} s, slowest ${durations.at(-1)!.toFixed(1)} s`);
  if (failures.length) console.log(failures.join('\n'));
  process.exit(counts.GO === runs ? 0 : 1);
}

main().catch((err) => {
  console.error(`soak: ${err?.message ?? err}`);
  process.exit(2);
});
