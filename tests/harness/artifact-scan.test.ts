// Every run scans its own artifacts: a healthy run's verdict carries a clean scan (exit 0); a secret or a worker's token that reaches reports/ exits 2 naming the file, without printing the value.
import { expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, runSmoke, targetEnv, cleanup } from './harness';

test('a healthy run is GO with a clean artifact scan of its reports (files, JUnit and Allure results read), exit 0', async ({ stack }) => {
  const run = await runSmoke(targetEnv(stack), []);
  try {
    expect(run.verdict?.verdict, run.output.slice(-3000)).toBe('GO');
    const scan = run.verdict.artifactScan;
    expect(scan, 'the verdict carries the artifact scan').toBeTruthy();
    expect(scan.findings, run.output.slice(-3000)).toEqual([]);
    expect(scan.unreadable).toEqual([]);
    expect(scan.clean).toBe(true);
    // The configuration's secrets and what the workers obtained (passwords, tokens) were all searched for.
    expect(scan.files).toBeGreaterThan(50);
    expect(scan.secretsSearched).toBeGreaterThan(10);
    expect(scan.durationMs).toBeLessThan(3000);
    expect(run.exitCode).toBe(0);
    expect(run.output).toMatch(/flowgate: artifact scan: \d+ file\(s\).*: no secret found/);
    expect(readFileSync(join(run.reportsDir, 'go-no-go.md'), 'utf8')).toContain('## Artifact scan');
  } finally {
    cleanup(run);
  }
});

test('a secret that reaches reports/ fails the run with exit 2 naming the file: the configured Kafka password, and a login token a worker obtained', async ({ stack }) => {
  const env = targetEnv(stack);
  for (const [leak, file, kind] of [
    ['config', 'leaky/kafka.txt', 'KAFKA_SASL_PASSWORD'],
    ['token', 'leaky/session.json', 'accessToken'],
  ]) {
    // --reporter runs beside the verdict reporter (scripts/smoke.ts keeps it).
    const run = await runSmoke(env, ['--reporter=./tests/harness/leaky-reporter.ts'], { env: { LEAKY_REPORTER: leak } });
    try {
      expect(run.exitCode, run.output.slice(-3000)).toBe(2);
      const scan = run.verdict?.artifactScan;
      expect(scan?.findings, run.output.slice(-3000)).toEqual([expect.objectContaining({ file, kind, form: 'plain', where: 'content' })]);
      expect(scan.findings[0].masked).toMatch(/^.{0,2}…\(\d+ chars\)$/);
      expect(run.verdict.exitCode).toBe(2);
      expect(run.output).toContain(`${file}: ${kind}`);
      expect(run.output).toContain('do not upload them (exit 2)');
      expect(readFileSync(join(run.reportsDir, 'go-no-go.md'), 'utf8')).toContain(`| ${file} | ${kind} |`);
      // The scan's own output never holds the value it found.
      const leaked = readFileSync(join(run.reportsDir, file), 'utf8');
      const value = leak === 'config' ? env.KAFKA_SASL_PASSWORD : JSON.parse(leaked).token;
      expect(value.length).toBeGreaterThan(10);
      expect(run.output).not.toContain(value);
      expect(readFileSync(join(run.reportsDir, 'go-no-go.json'), 'utf8')).not.toContain(value);
    } finally {
      cleanup(run);
    }
  }
});
