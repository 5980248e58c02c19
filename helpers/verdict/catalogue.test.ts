// Unit tests of the catalogue: the flows' numbered steps, the projects match the spec files, the probes come from the contracts, the checks from the criteria and gaps.
import { test, expect } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bypassProbes, catalogueInventory, CHECKS, CRITERION_CHECKS, PROJECTS } from './catalogue';
import { PREFLIGHT, projectOfCase, projectOfFile, projectOfTest, RUNNER_PROJECTS } from './projects';
import { CRITERIA, criterionTag } from './criteria';
import { triggerTag } from './triggers';
import { gapTag } from '../../contracts/p0-gaps';
import { contracts } from '../../contracts';
import { BYPASS, FLOW_NAMES, flowSteps, flowTag, stepsOf } from '../../contracts/flows';
import { computeVerdict } from './verdict';
import { healthy, run } from './verdict.fixtures';

const FLOWS_DIR = join(__dirname, '..', '..', 'flows');

test('auth 9 steps, scan 7, asset 7, payment 6 (plus the auth dashboard sub-steps 7.1 and 9.1 and the payment webhook sub-steps 4.1–4.3)', () => {
  const whole = (f: (typeof FLOW_NAMES)[number]) => stepsOf(f).filter((s) => !s.id.includes('.')).map((s) => s.id);
  expect(whole('auth')).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
  expect(whole('scan')).toHaveLength(7);
  expect(whole('asset')).toHaveLength(7);
  expect(whole('payment')).toHaveLength(6);
  expect(stepsOf('auth').filter((s) => s.id.includes('.')).map((s) => s.id)).toEqual(['7.1', '9.1']);
  expect(stepsOf('payment').filter((s) => s.id.includes('.')).map((s) => s.id)).toEqual(['4.1', '4.2', '4.3']);
  expect(catalogueInventory().flows.auth).toEqual(stepsOf('auth').map((s) => s.id));
});

test('a spec looks its step up by id: `step(5)` is the id and name its title starts with; an id the flow lacks throws', () => {
  const step = flowSteps('auth');
  expect(step(5)).toEqual(['5', 'Login']);
  expect(step('7.1')).toEqual(['7.1', 'Access dashboard']);
  expect(flowSteps('payment')('4.3')).toEqual(['4.3', 'Unsigned webhook refused']);
  expect(() => (step as (id: string) => unknown)('10')).toThrow('flow auth has no step 10; its steps are 1, 2, 3, 4, 5, 6, 7, 7.1, 8, 9, 9.1');
});

test('the projects are the spec files under flows/, each once', () => {
  const specs = readdirSync(FLOWS_DIR).filter((n) => /\.(spec|setup)\.ts$/.test(n)).sort();
  expect(PROJECTS.map((p) => p.spec).sort()).toEqual(specs);
  expect(new Set(PROJECTS.map((p) => p.name)).size).toBe(PROJECTS.length);
  expect(PROJECTS.filter((p) => p.kind === 'flow').map((p) => p.name)).toEqual([...FLOW_NAMES]);
});

test('Playwright runs every spec file in exactly one of its two projects, the preflight first; a test\'s project is its file\'s', () => {
  expect(RUNNER_PROJECTS.flatMap((r) => r.specs).sort()).toEqual(PROJECTS.map((p) => p.spec).sort());
  expect(RUNNER_PROJECTS.map((r) => [r.name, r.afterPreflight])).toEqual([[PREFLIGHT, false], ['gate', true]]);
  expect(RUNNER_PROJECTS[0].specs).toEqual(['preflight.setup.ts']);
  for (const p of PROJECTS) expect(projectOfFile(`/clone/flows/${p.spec}`)).toBe(p.name);
  expect(projectOfTest('/clone/flows/auth-bypass.spec.ts', 'gate')).toBe('auth-bypass');
  // a file outside the catalogue (the self tests' own specs) keeps its Playwright project's name
  expect(projectOfTest('/tmp/x/auth.flow.ts', 'auth')).toBe('auth');
  expect(projectOfFile('/clone/flows/auth.spec.ts.bak')).toBeUndefined();
  expect(projectOfCase({ location: { file: '/clone/flows/scan.spec.ts' }, parent: { project: () => ({ name: 'gate' }) } })).toBe('scan');
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
  expect(CRITERION_CHECKS[1]).toEqual(['P0-01', 'P0-02', 'P0-03', 'P0-04', 'P0-05', 'P0-06', 'P0-09'].map((g) => ({ tag: `@gap-${g}` })));
  const names = PROJECTS.map((p) => p.name as string);
  for (const c of CHECKS) expect(names).toContain(c.project);
  for (const refs of Object.values(CRITERION_CHECKS)) for (const r of refs) if ('project' in r) expect(names).toContain(r.project);
  // every tag a criterion needs is carried by a test of the healthy run, and a healthy run misses no check
  expect(CHECKS.map((c) => `${c.project} ${c.tag}`)).toEqual(expect.arrayContaining(['source @criterion-3', 'transport @criterion-4', 'source @gap-P0-06', 'transport @gap-P0-06', 'auth-bypass @bola']));
  expect(computeVerdict(run(healthy())).incomplete).toEqual([]);
});

test('a criterion that can wait for a sign-off says so: every one awaiting sign-off in a healthy run is decided by evidence or sign-off', () => {
  const awaiting = computeVerdict(run(healthy())).awaitingSignOff;
  expect(awaiting.length).toBeGreaterThan(0);
  for (const id of awaiting) expect(CRITERIA.find((c) => c.id === id)?.decidedBy, `criterion ${id}`).toBe('evidence or sign-off');
});

test('the tags specs carry, from the typed ids', () => {
  expect(flowTag('payment')).toBe('@flow-payment');
  expect(flowTag(BYPASS)).toBe('@flow-auth-bypass');
  expect(criterionTag(9)).toBe('@criterion-9');
  expect(gapTag('P0-09')).toBe('@gap-P0-09');
  expect(triggerTag('auth-bypass')).toBe('@trigger-auth-bypass');
});
