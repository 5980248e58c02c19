// Bad TLS/SASL input against the secure stack: a missing or non-PEM CA file, a wrong SASL password, verify-full against a certificate for another host — exit 2 at preflight naming the variable, nothing half-run.
import { expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, runSmoke, targetEnv, cleanup } from './harness';

const scratch = mkdtempSync(join(tmpdir(), 'flowgate-bad-input-'));
const notPem = join(scratch, 'ca.der');
writeFileSync(notPem, Buffer.from('308201 not a PEM certificate at all'));

const cases: { name: string; env: (e: Record<string, string>) => Record<string, string>; names: string; says: RegExp }[] = [
  { name: 'a CA file that does not exist', env: () => ({ KONG_CA_FILE: join(scratch, 'missing.pem') }), names: 'KONG_CA_FILE', says: /does not exist/ },
  { name: 'a CA file that is not PEM', env: () => ({ KAFKA_SSL_CA_FILE: notPem }), names: 'KAFKA_SSL_CA_FILE', says: /not PEM/ },
  { name: 'a wrong SASL password', env: () => ({ KAFKA_SASL_PASSWORD: 'not-the-password' }), names: 'KAFKA_SASL_PASSWORD', says: /refused SASL authentication/ },
  // the database's certificate names 127.0.0.1 only: "localhost" is another host
  { name: 'verify-full against a certificate for another host', env: (e) => ({ AUTH_DB_URL: e.AUTH_DB_URL.replace('@127.0.0.1:', '@localhost:') }), names: 'AUTH_DB_URL', says: /another host/ },
];

test.describe('bad TLS and SASL input', () => {
  test.describe.configure({ timeout: 180_000 });
  for (const c of cases) {
    test(`${c.name} → exit 2 at preflight naming ${c.names}`, async ({ stack }) => {
      const env = targetEnv(stack);
      const run = await runSmoke({ ...env, ...c.env(env) }, []);
      try {
        expect(run.exitCode, `exit code (output:\n${run.output.slice(-2500)})`).toBe(2);
        const v = run.verdict;
        expect(v?.couldNotEvaluate).toBe(true);
        const note = (v?.notes ?? []).find((n: string) => n.startsWith('preflight'));
        expect(note, 'the preflight note').toContain(c.names);
        expect(note).toMatch(c.says);
        // nothing half-run: no flow and no transport check started
        expect((v?.flows ?? []).filter((f: any) => f.status !== 'not-run').map((f: any) => f.name)).toEqual([]);
        expect(v.criteria.filter((x: any) => [4, 5, 6].includes(x.id)).map((x: any) => x.status)).toEqual(['not-run', 'not-run', 'not-run']);
        expect(run.output, 'no secret printed').not.toContain(env.KAFKA_SASL_PASSWORD);
      } finally {
        cleanup(run);
      }
    });
  }
});
