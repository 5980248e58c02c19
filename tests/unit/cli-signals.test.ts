// Ctrl-C on npm run smoke: the run and the embedded stack stop and the exit is 130 (SIGINT), not a verdict's 1 or 2.
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

test('SIGINT once the run has started: the stack is stopped and smoke exits 130', async ({}, testInfo) => {
  // This one starts an embedded stack (to be interrupted while it starts or runs): it may take the stack's start time.
  test.setTimeout(240_000);
  const envFile = join(mkdtempSync(join(tmpdir(), 'flowgate-sigint-')), 'empty.env');
  writeFileSync(envFile, '');
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(KONG_|KAFKA_|REDIS_|FLOWGATE_)|_DB_URL$/.test(k)) delete env[k];
  const child = spawn(process.execPath, ['--require', './scripts/code-cache.cjs', '--require', 'tsx/cjs', 'scripts/smoke.ts', '--project=preflight'], {
    cwd: ROOT,
    env: { ...env, FLOWGATE_ENV_FILE: envFile, FLOWGATE_REPORTS_DIR: testInfo.outputPath('reports') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const started = new Promise<string>((resolve) => {
    const look = (d: Buffer) => {
      out += d;
      // the stack's progress (a component ready) or, before that printer is fed, the stack ready or the runner's first line
      const m = /^(stack: \S+ ready|flowgate: embedded reference stack ready|Running \d+ tests?)/m.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const first = await Promise.race([started, exited.then((code) => `exited ${code} before starting`)]);
  expect(first, out).not.toMatch(/^exited/);
  child.kill('SIGINT');
  const code = await exited;
  expect(code, out).toBe(130);
  expect(out).toContain('flowgate: SIGINT: stopping the run and the stack');
});
