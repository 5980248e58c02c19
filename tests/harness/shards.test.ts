// Sharded runs: shards 1/2 and 2/2 merged give the verdict of an unsharded run; one shard alone, or a merge missing one, is NO-GO.
import { expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test, runSmoke, targetEnv, HARNESS_RUN_SETTINGS, ROOT } from './harness';
import { outputsIn } from '../../helpers/config/paths';
import { verdictOrUndefined } from '../../helpers/config/verdict-file';

function merge(reportsDir: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--require', './scripts/code-cache.cjs', '--require', 'tsx/cjs', 'scripts/merge-reports.ts'], {
    cwd: ROOT,
    env: { ...(process.env as Record<string, string>), ...HARNESS_RUN_SETTINGS, ...env, FLOWGATE_REPORTS_DIR: reportsDir },
    encoding: 'utf8',
    timeout: 120_000,
  });
  // read loosely: the tests look at the merge's own fields (artifactScan, runId)
  const verdict: any = verdictOrUndefined(outputsIn(reportsDir).verdictJson);
  return { exitCode: r.status, output: r.stdout + r.stderr, verdict };
}

const summary = (v: any) => ({
  verdict: v?.verdict,
  criteria: (v?.criteria ?? []).map((c: any) => `${c.id}:${c.status}`),
  triggers: (v?.triggers ?? []).map((t: any) => `${t.id}:${t.fired}`),
  flows: (v?.flows ?? []).map((f: any) => `${f.name}:${f.status}`).sort(),
});

test('shards 1/2 and 2/2 merge into the unsharded verdict; a lone shard is NO-GO; shards of two runs are refused (exit 2)', async ({ stack }) => {
  test.setTimeout(600_000);
  const env = targetEnv(stack);
  const whole = await runSmoke(env, []);
  expect(whole.verdict?.verdict, whole.output.slice(-2000)).toBe('GO');

  const reportsDir = mkdtempSync(join(tmpdir(), 'flowgate-shards-'));
  const mixedDir = mkdtempSync(join(tmpdir(), 'flowgate-shards-mixed-'));
  try {
    // Every shard of one run carries its run id in its blob report, as the nightly job gives them one.
    const runId = `shards-${Date.now()}`;
    const one = await runSmoke(env, ['--shard=1/2'], { env: { FLOWGATE_RUN_ID: runId } });
    expect(one.verdict?.verdict, 'a shard alone saw only part of the run').toBe('NO-GO');
    expect(one.exitCode).toBe(1);
    // A shard scans its own output, its blob zip entry by entry.
    expect(one.verdict.artifactScan, 'the shard scanned its artifacts').toMatchObject({ clean: true, findings: [] });
    expect(one.verdict.artifactScan.entries, "the shard's blob zip was opened").toBeGreaterThan(0);

    // A 2-of-2 left from another run (a tiny one: only the source checks) beside today's 1-of-2 is not a complete run.
    const stale = await runSmoke(env, ['--shard=2/2', '--project=source'], { env: { FLOWGATE_RUN_ID: 'stale-run' } });
    cpSync(join(one.reportsDir, 'shards'), join(mixedDir, 'shards'), { recursive: true });
    cpSync(join(stale.reportsDir, 'shards'), join(mixedDir, 'shards'), { recursive: true });
    for (const given of [{}, { FLOWGATE_RUN_ID: runId }] as Record<string, string>[]) {
      const mixed = merge(mixedDir, given);
      expect(mixed.exitCode, mixed.output.slice(-1500)).toBe(2);
      expect(mixed.output).toContain(`shards of different runs: run ${runId} in 1-of-2/blob; run stale-run in 2-of-2/blob`);
      expect(mixed.verdict, 'no verdict is written for shards of two runs').toBeUndefined();
    }

    const two = await runSmoke(env, ['--shard=2/2'], { env: { FLOWGATE_RUN_ID: runId } });
    cpSync(join(one.reportsDir, 'shards'), join(reportsDir, 'shards'), { recursive: true });

    const partial = merge(reportsDir, { FLOWGATE_SHARDS_EXPECTED: '2' });
    expect(partial.verdict?.verdict, `a merge missing shard 2 is NO-GO\n${partial.output.slice(-1500)}`).toBe('NO-GO');
    expect(partial.exitCode).toBe(1);

    cpSync(join(two.reportsDir, 'shards'), join(reportsDir, 'shards'), { recursive: true });
    const merged = merge(reportsDir);
    expect(merged.exitCode, merged.output.slice(-2000)).toBe(0);
    expect(merged.verdict.runId, 'the merged verdict names the run its shards carry').toBe(runId);
    expect(summary(merged.verdict)).toEqual(summary(whole.verdict));
    // The merge scans what it wrote, and the shards' blobs beside it.
    expect(merged.verdict.artifactScan, 'the merge scanned its artifacts').toMatchObject({ clean: true, findings: [] });
    expect(merged.verdict.artifactScan.entries).toBeGreaterThan(0);
    expect(merged.output).toMatch(/artifact scan: .*: no secret found/);
    // Both shards' Allure results were copied together for one report.
    const allure = join(reportsDir, 'allure-results');
    // Every test of the unsharded run (preflight, source, transport, flows, probes) has its result in the merge; a
    // dependency such as preflight runs in each shard, so tests are compared by identity, not by file count.
    const tests = (dir: string) =>
      new Set((existsSync(dir) ? readdirSync(dir) : []).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).fullName as string));
    const wholeTests = tests(join(whole.reportsDir, 'allure-results'));
    expect(wholeTests.size, 'the unsharded run has a result per test').toBeGreaterThan(whole.verdict.flows.reduce((n: number, f: any) => n + f.tests, 0));
    expect([...tests(allure)].sort(), 'merged Allure results').toEqual([...wholeTests].sort());
    for (const r of [whole, one, two, stale]) rmSync(r.reportsDir, { recursive: true, force: true });
  } finally {
    rmSync(reportsDir, { recursive: true, force: true });
    rmSync(mixedDir, { recursive: true, force: true });
  }
});
