// What the harness's self tests share: one embedded stack per worker, fault switching through the control port, and smoke runs against it.
import { test as base } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { request } from 'undici';
import { startStack, type StackHandle } from '../../stack';
import type { FaultSetting } from '../../stack/faults';
import { stripAnsi } from '../../helpers/errors';
import { outputsIn, REPO_ROOT } from '../../helpers/config/paths';
import { verdictOrUndefined, type VerdictFile } from '../../helpers/config/verdict-file';

export const ROOT = REPO_ROOT;

/**
 * Tight budgets: a broken step must fail in seconds, a healthy one still passes well inside them. Two workers: a fault
 * run waits out budgets more than it computes, and a second worker overlaps the waits (the gate's default against a
 * target on this machine is one worker per core it leaves free: one on 2 cores).
 */
export const HARNESS_RUN_SETTINGS = {
  FLOWGATE_WORKERS: '2',
  FLOWGATE_STEP_BUDGET_MS: '6000',
  FLOWGATE_EVENT_BUDGET_MS: '5000',
  FLOWGATE_QUOTA_BUDGET_MS: '6000',
  FLOWGATE_SCAN_BUDGET_MS: '8000',
  FLOWGATE_FLOW_BUDGET_MS: '60000',
};

export interface SmokeRun {
  exitCode: number | null;
  /** processes of the run's process group still alive after it exited */
  strays: string[];
  verdict: any;
  output: string;
  seconds: number;
  reportsDir: string;
}

/** Runs `npm run smoke`'s script against a target environment, with its own reports folder; returns exit code, verdict and output. */
export async function runSmoke(
  targetEnv: Record<string, string>,
  args: string[],
  opts: { timeoutMs?: number; env?: Record<string, string>; onOutput?: { match: RegExp; run: (pgid: number) => Promise<void> } } = {},
): Promise<SmokeRun> {
  const reportsDir = mkdtempSync(join(tmpdir(), 'flowgate-run-'));
  const started = Date.now();
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...HARNESS_RUN_SETTINGS, ...targetEnv, ...opts.env, FLOWGATE_REPORTS_DIR: reportsDir };
  delete env.STACK_FAULTS;
  // Plain text: the output is matched and quoted in assertions (Playwright's workers set FORCE_COLOR for their children).
  env.FORCE_COLOR = '0';
  const child = spawn(process.execPath, ['--require', './scripts/code-cache.cjs', '--require', 'tsx/cjs', 'scripts/smoke.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  let triggered: Promise<void> | undefined;
  const onData = (d: Buffer) => {
    output += d;
    if (opts.onOutput && !triggered && opts.onOutput.match.test(stripAnsi(output))) triggered = opts.onOutput.run(child.pid!);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timeoutMs = opts.timeoutMs ?? 240_000;
  let timer: NodeJS.Timeout | undefined;
  const exitCode = await new Promise<number | null>((resolve) => {
    timer = setTimeout(() => {
      output += `\n[harness] smoke run exceeded ${timeoutMs} ms; killed`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.on('exit', (code) => resolve(code));
  });
  clearTimeout(timer);
  await triggered;
  // the run's own fields (flows, artifactScan…) are read loosely by the tests
  const verdict = verdictOrUndefined(outputsIn(reportsDir).verdictJson) as (VerdictFile & Record<string, any>) | undefined;
  return { exitCode, verdict, output, seconds: (Date.now() - started) / 1000, reportsDir, strays: processesInGroup(child.pid!) };
}

/** Live processes whose process group is `pgid` (the run was started as its own group). */
export function processesInGroup(pgid: number): string[] {
  const out: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command: state, ppid, pgrp …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(`${entry} ${readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').slice(0, 120)}`);
    } catch {
      // exited while we looked
    }
  }
  return out;
}

export async function setFaults(controlUrl: string, faults: readonly FaultSetting[]): Promise<void> {
  const res = await request(`${controlUrl}/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults }) });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`control port refused faults ${faults.join(',')}: ${res.statusCode} ${text}`);
}

/** The part of the stack's env a harness run gets: what staging would give it (never the control URL). */
export function targetEnv(stack: StackHandle): Record<string, string> {
  const { STACK_CONTROL_URL: _control, ...env } = stack.env;
  return env;
}

export const test = base.extend<{}, { stack: StackHandle }>({
  stack: [
    async ({}, use) => {
      const stack = await startStack();
      await use(stack);
      await stack.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

export function cleanup(run: SmokeRun) {
  rmSync(run.reportsDir, { recursive: true, force: true });
}
