// An explicit target and a complete run: staging without its gateway stops in seconds with no stack started; a run filtered to one flow is never GO and names what it left out.
import { expect } from '@playwright/test';
import { TARGET_VARS } from '../../helpers/config/target';
import { test, runSmoke, targetEnv, cleanup } from './harness';

/** Every target variable empty (dotenv's "not set"), whatever the outer environment holds. */
const noTarget = Object.fromEntries(TARGET_VARS.map((v) => [v, '']));

test('FLOWGATE_TARGET=staging with no KONG_URL: exit 2 within seconds naming KONG_URL, and no stack is started', async () => {
  const run = await runSmoke({}, [], { env: { ...noTarget, FLOWGATE_TARGET: 'staging' }, timeoutMs: 30_000 });
  try {
    expect(run.exitCode, run.output.slice(-2000)).toBe(2);
    expect(run.output).toMatch(/FLOWGATE_TARGET=staging, but KONG_URL, .* not set; no stack is started for staging/);
    expect(run.output).toContain('could not evaluate (exit 2)');
    // said before Playwright started: no stack, no test, no verdict file, nothing left running
    expect(run.output).not.toMatch(/embedded reference stack ready|Running \d+ tests?/);
    expect(run.verdict).toBeUndefined();
    expect(run.seconds).toBeLessThan(15);
    expect(run.strays).toEqual([]);
  } finally {
    cleanup(run);
  }
});

test('FLOWGATE_TARGET=embedded with KONG_URL set: exit 2 saying the contradiction, nothing started', async () => {
  const run = await runSmoke({}, [], { env: { ...noTarget, FLOWGATE_TARGET: 'embedded', KONG_URL: 'https://gateway.staging.example' }, timeoutMs: 30_000 });
  try {
    expect(run.exitCode, run.output.slice(-2000)).toBe(2);
    expect(run.output).toContain('FLOWGATE_TARGET=embedded contradicts KONG_URL being set');
    expect(run.verdict).toBeUndefined();
    expect(run.seconds).toBeLessThan(15);
  } finally {
    cleanup(run);
  }
});

test('--project=payment against a healthy stack: payment passes, the verdict is NO-GO (incomplete) naming every flow, project and check left out', async ({ stack }) => {
  test.setTimeout(240_000);
  const run = await runSmoke(targetEnv(stack), ['--project=payment']);
  try {
    const v = run.verdict;
    expect(v, run.output.slice(-3000)).toBeTruthy();
    expect(run.exitCode, 'NO-GO, not "could not evaluate"').toBe(1);
    expect(v.verdict).toBe('NO-GO');
    expect(v.flows.find((f: any) => f.name === 'payment')?.status, 'the flow that ran passed').toBe('passed');
    // the filtered-away tests never reached the reporter: the catalogue named them
    expect(v.incomplete).toContain('flows not run: auth, scan, asset');
    expect(v.incomplete).toContain('projects not run: source, transport, auth-bypass');
    expect(v.notes.find((n: string) => n.startsWith('incomplete: '))).toContain('flows not run: auth, scan, asset');
    // the target is in the headline: this gateway was given, so the run is a staging-kind run of that target
    expect(v.target.kind).toBe('staging');
    expect(run.output).toMatch(/flowgate verdict: NO-GO — .* — target staging \(embedded\)/);
  } finally {
    cleanup(run);
  }
});
