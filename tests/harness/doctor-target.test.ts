// npm run doctor -- --target against an embedded stack: every check of a reachable, TLS-verified target passes; a wrong Kafka password is named, exit 2.
import { expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { test, targetEnv, ROOT } from './harness';

/** Runs the doctor as a child (asynchronously: the stack's gateway answers from this worker's own event loop). */
function doctor(env: Record<string, string>): Promise<{ status: number | null; out: string }> {
  const child = spawn(process.execPath, ['--require', './scripts/code-cache.cjs', '--require', 'tsx/cjs', 'scripts/doctor.ts', '--target'], {
    cwd: ROOT,
    env: { ...(process.env as Record<string, string>), ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 90_000,
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, out })));
}

test('doctor --target: every part of the embedded stack answers as a staging target would, one line each, exit 0', async ({ stack }) => {
  test.setTimeout(180_000);
  const { status, out } = await doctor(targetEnv(stack));
  expect(status, out).toBe(0);
  const lines = out.split('\n').filter((l) => /^(OK|FAIL) /.test(l));
  expect(lines.filter((l) => l.startsWith('FAIL')), out).toEqual([]);
  for (const part of ['configuration', 'gateway TLS', 'gateway credentials', 'Kafka', 'Kafka topics', 'AUTH_DB_URL', 'REDIS_URL']) expect(lines.some((l) => l.startsWith(`OK   ${part}: `)), `${part} in:\n${out}`).toBe(true);
  expect(out).toMatch(/OK {3}Kafka: .*TLS verified against KAFKA_SSL_CA_FILE, SASL scram-sha-512 accepted/i);
  expect(out).toMatch(/OK {3}Kafka topics: all \d+ topics of contracts\/asyncapi\.yaml are there/);
});

test('doctor --target: a wrong Kafka password is named (KAFKA_SASL_PASSWORD), never printed, and exits 2', async ({ stack }) => {
  test.setTimeout(180_000);
  const wrong = 'not-the-kafka-password-8d1f';
  const { status, out } = await doctor({ ...targetEnv(stack), KAFKA_SASL_PASSWORD: wrong });
  expect(status, out).toBe(2);
  expect(out).toMatch(/^FAIL Kafka: .*KAFKA_SASL_PASSWORD/m);
  expect(out).not.toContain(wrong);
  // the other parts are still checked and said
  expect(out).toMatch(/^OK {3}REDIS_URL: /m);
});
