// Unit tests of the catalogue: the seed §5 steps match the flows' step titles, the projects match the spec files, the probes come from the contracts.
import { test, expect } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BYPASS, bypassProbes, catalogueInventory, CHECKS, CRITERION_CHECKS, FLOW_NAMES, FLOW_STEPS, PROJECTS } from './catalogue';
import { contracts } from '../../contracts';

const FLOWS_DIR = join(__dirname, '..', '..', 'flows');

test('seed §5: auth 9 steps, scan 7, asset 7, payment 6 (plus the auth dashboard sub-steps 7.1 and 9.1 and the payment webhook sub-steps 4.1–4.3)', () => {
  const whole = (f: (typeof FLOW_NAMES)[number]) => FLOW_STEPS[f].filter((s) => !s.id.includes('.')).map((s) => s.id);
  expect(whole('auth')).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
  expect(whole('scan')).toHaveLength(7);
  expect(whole('asset')).toHaveLength(7);
  expect(whole('payment')).toHaveLength(6);
  expect(FLOW_STEPS.auth.filter((s) => s.id.includes('.')).map((s) => s.id)).toEqual(['7.1', '9.1']);
  expect(FLOW_STEPS.payment.filter((s) => s.id.includes('.')).map((s) => s.id)).toEqual(['4.1', '4.2', '4.3']);
});

test("every flow file's flow.step titles are the catalogue's steps, in order, and nothing else", () => {
  for (const f of FLOW_NAMES) {
    const src = readFileSync(join(FLOWS_DIR, `${f}.spec.ts`), 'utf8');
    const steps = [...src.matchAll(/flow\.step\(\s*'?([\d.]+)'?,\s*'([^']+)'/g)].map((m) => ({ id: m[1], name: m[2] }));
    expect(steps, `${f}.spec.ts`).toEqual(FLOW_STEPS[f]);
  }
});

test('the projects are the spec files under flows/, each once', () => {
  const specs = readdirSync(FLOWS_DIR).filter((n) => /\.(spec|setup)\.ts$/.test(n)).sort();
  expect(PROJECTS.map((p) => p.spec).sort()).toEqual(specs);
  expect(new Set(PROJECTS.map((p) => p.name)).size).toBe(PROJECTS.length);
  expect(PROJECTS.filter((p) => p.kind === 'flow').map((p) => p.name)).toEqual([...FLOW_NAMES]);
});

test('bypass probes: one per protected route of every P0 service, plus each P0 internal route (P0-05)', () => {
  const c = contracts();
  const p0 = c.services.filter((s) => s.criticality === 'P0');
  const protectedRoutes = p0.flatMap((s) => c.routesOf(s.name).filter((r) => r.protected));
  const internal = p0.flatMap((s) => s.internal);
  const probes = bypassProbes();
  expect(protectedRoutes.length).toBeGreaterThan(0);
  expect(internal.length).toBeGreaterThan(0);
  expect(probes).toHaveLength(protectedRoutes.length + internal.length);
  expect(probes.map((p) => p.route)).toContain('POST /api/v1/assets');
  expect(probes.find((p) => p.route === 'POST /api/v1/assets')?.step).toBe('P. Probe createAsset ');
  expect(probes.filter((p) => p.step.startsWith('P. Probe internal ')).map((p) => p.service)).toContain('email-service');
  expect(catalogueInventory().probeProject).toBe(BYPASS);
});

test('every criterion has its checks, and every check names a project of the catalogue', () => {
  expect(Object.keys(CRITERION_CHECKS).map(Number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const names = PROJECTS.map((p) => p.name as string);
  for (const c of CHECKS) expect(names).toContain(c.project);
  for (const refs of Object.values(CRITERION_CHECKS)) for (const r of refs) if ('project' in r) expect(names).toContain(r.project);
  // the tags the checks look for are on the tests
  const all = readdirSync(FLOWS_DIR).map((n) => readFileSync(join(FLOWS_DIR, n), 'utf8')).join('\n');
  for (const c of CHECKS) expect(all, c.tag).toContain(`'${c.tag}'`);
  for (const refs of Object.values(CRITERION_CHECKS)) for (const r of refs) if ('tag' in r) expect(all, r.tag).toContain(`'${r.tag}'`);
});
