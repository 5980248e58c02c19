// Criteria 5 and 6 when the target hides its configuration: denied and nothing found waits for a sign-off, never a pass; a hole on a conventional port still fails.
import { expect } from '@playwright/test';
import { test, runSmoke, setFaults, targetEnv, cleanup } from './harness';

test('tls-redis-config-denied: CONFIG GET denied and nothing found → criterion 6 awaiting-sign-off with the reason; with a hidden plaintext port as well → fail', async ({ stack }) => {
  test.setTimeout(240_000);
  try {
    await setFaults(stack.controlUrl, ['tls-redis-config-denied']);
    const run = await runSmoke(targetEnv(stack), ['--project=transport']);
    try {
      expect(run.verdict, run.output.slice(-3000)).toBeTruthy();
      const c6 = run.verdict.criteria.find((x: any) => x.id === 6);
      expect(c6?.status, c6?.detail).toBe('awaiting-sign-off');
      expect(c6?.detail).toContain('CONFIG GET port) could not be read');
      expect(c6?.detail).toContain('a sign-off decides');
      // the conventional port was tried (the reason lists it) and the TLS checks still passed
      const redisPort = stack.env.FLOWGATE_CONVENTIONAL_PORTS.split(',').find((r) => r.startsWith('redis='))!.slice('redis='.length);
      expect(c6?.detail).toContain(`127.0.0.1:${redisPort}`);
      expect(run.verdict.criteria.find((x: any) => x.id === 5)?.status).toBe('pass');
      expect(run.verdict.triggers.find((t: any) => t.id === 'tls-not-enforced')?.fired).toBe(false);
    } finally {
      cleanup(run);
    }
    await setFaults(stack.controlUrl, ['tls-redis-config-denied', 'tls-redis-unrevealed-plaintext-port']);
    const holed = await runSmoke(targetEnv(stack), ['--project=transport']);
    try {
      expect(holed.verdict.criteria.find((x: any) => x.id === 6)?.status).toBe('fail');
      expect(holed.verdict.triggers.find((t: any) => t.id === 'tls-not-enforced')?.fired).toBe(true);
    } finally {
      cleanup(holed);
    }
  } finally {
    await setFaults(stack.controlUrl, []);
  }
});
