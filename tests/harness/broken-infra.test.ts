// Broken infrastructure mid-run: broker, database, Redis or gateway stopped, or a service slower than its budget — NO-GO, bounded, no stray process.
import { expect } from '@playwright/test';
import { request } from 'undici';
import { test as base } from '@playwright/test';
import { startStack } from '../../stack';
import { runSmoke, setFaults, targetEnv, cleanup, test } from './harness';

const BOUND_S = 150;
const afterPreflight = /✓ passed\s+\[preflight\]/;

const cases = [
  { name: 'Kafka broker stopped mid-run', component: 'kafka', categories: ['infrastructure unreachable', 'budget exceeded'] },
  { name: 'PostgreSQL stopped mid-run', component: 'postgres', categories: ['infrastructure unreachable', 'budget exceeded'] },
  { name: 'Redis stopped mid-run', component: 'redis', categories: ['infrastructure unreachable', 'budget exceeded'] },
  { name: 'gateway down mid-run', component: 'gateway', categories: ['infrastructure unreachable'] },
  { name: 'a service slower than its budget', fault: 'latency:checkSession=9000', project: 'auth', categories: ['budget exceeded'] },
] as const;

base.describe('broken infrastructure', () => {
  // Parallel: each stopped component has a stack of its own, so the cases need not wait for each other.
  base.describe.configure({ mode: 'parallel', timeout: 300_000 });

  for (const c of cases) {
    test(`${c.name} → NO-GO (${c.categories.join(' or ')}) within ${BOUND_S} s, nothing left running`, async ({ stack: shared }) => {
      // A stopped component cannot come back: those cases get a stack of their own; a fault is switched off after.
      const stack = 'component' in c ? await startStack() : shared;
      try {
        if ('fault' in c) await setFaults(stack.controlUrl, [c.fault]);
        const stop = async () => {
          if (!('component' in c)) return;
          const res = await request(`${stack.controlUrl}/components/${c.component}/stop`, { method: 'POST' });
          await res.body.dump();
          expect(res.statusCode, `control port stopped ${c.component}`).toBe(200);
        };
        const run = await runSmoke(targetEnv(stack), 'project' in c ? [`--project=${c.project}`] : [], {
          timeoutMs: BOUND_S * 1000,
          onOutput: { match: afterPreflight, run: stop },
        });
        // How long the broken run took and how each flow ended: the bound's margin, in the test's output.
        console.log(`[broken-infra] ${c.name}: run ended in ${run.seconds.toFixed(1)} s; ${(run.verdict?.flows ?? []).map((f: any) => `${f.name} ${f.status}${f.failingStep ? ` (${f.failingStep.category}: ${String(f.failingStep.error ?? '').split('\n')[0].slice(0, 140)})` : ''}`).join('; ')}`);
        try {
          expect(run.seconds, `the run ended within its bound (output:\n${run.output.slice(-4000)})`).toBeLessThan(BOUND_S);
          expect([1, 2], `exit code (output:\n${run.output.slice(-2500)})`).toContain(run.exitCode);
          expect(run.verdict?.verdict).toBe('NO-GO');
          const failed = (run.verdict?.flows ?? []).filter((f: any) => f.status === 'failed');
          expect(failed.length, 'at least one flow failed').toBeGreaterThan(0);
          for (const f of failed) expect(c.categories as readonly string[], `${f.name} failed at "${f.failingStep?.title}": ${f.failingStep?.error}`).toContain(f.failingStep?.category);
          expect(run.strays, 'processes left behind by the run').toEqual([]);
        } finally {
          cleanup(run);
        }
      } finally {
        if (stack === shared) await setFaults(stack.controlUrl, []);
        else await stack.stop();
      }
    });
  }
});
