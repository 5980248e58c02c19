// Run models for the verdict's unit tests: a healthy run of every project, and test models to vary it.
import { p0ServiceNames } from '../../contracts/p0-services';
import type { Evidence } from './evidence';
import { catalogueInventory } from './catalogue';
import { computeVerdict, type RunModel, type StepModel, type TestModel } from './verdict';
import { categoryOf, structuredFailure, type StructuredFailure } from '../errors';

export const audit = (p: string): Evidence => ({ kind: 'row', step: 'audit', name: `audit.${p}`, summary: `audit row ${p} for u-1` });

/** A flow test's wire check: `checked` messages of its own, all fitting the contract. */
export const wireEvidence = (checked = 3): Evidence => ({ kind: 'probe', step: 'C. Every event this test caused fits the frozen contract — asyncapi.yaml', name: 'contract.events', summary: `${checked} checked`, data: { checked, others: 1, byTopic: {}, violations: [] } });
const GAP_TAGS: Record<string, string[]> = { scan: ['@gap-P0-09'], asset: ['@gap-P0-02'], payment: ['@gap-P0-04'], 'auth-bypass': ['@gap-P0-01', '@gap-P0-03', '@gap-P0-05', '@bola'] };
/** The rest of a complete run's steps: a flow's numbered steps after 2, or every bypass probe (helpers/catalogue.ts). */
function catalogueSteps(project: string): TestModel['steps'] {
  const inv = catalogueInventory();
  if (project === inv.probeProject) return inv.probes.map((p) => ({ title: `${p.step}— ${p.route}`, status: 'passed', durationMs: 5 }));
  return (inv.flows[project] ?? []).filter((id) => id !== '1' && id !== '2').map((id) => ({ title: `${id}. Step ${id} — GET /x`, status: 'passed', durationMs: 5 }));
}

export function flowTest(project: string, over: Partial<TestModel> = {}): TestModel {
  return {
    title: `${project} flow`,
    project,
    tags: [`@flow-${project}`, ...(GAP_TAGS[project] ?? [])],
    status: 'passed',
    retries: 0,
    outcome: 'expected',
    durationMs: 1000,
    steps: [
      { title: '1. First — GET /a', status: 'passed', durationMs: 400 },
      { title: '2. Second — POST /b', status: 'passed', durationMs: 600 },
      ...catalogueSteps(project),
    ],
    evidence: [
      ...(project === 'auth' ? [audit('register'), audit('login'), audit('logout'), { kind: 'event' as const, step: '1. First — GET /a', name: 'cert-ix.auth.user.registered.success', summary: 'registered u-1' }] : [{ kind: 'event' as const, step: '2. Second — POST /b', summary: `${project} event` }]),
      wireEvidence(),
    ],
    findings: [],
    ...over,
  };
}

export const sourceTests = (over: Partial<TestModel> = {}) => [
  flowTest('source', { title: 'secrets', tags: ['@criterion-3'], evidence: [{ kind: 'probe', step: 'S', name: 'secretlint', summary: '45 files', data: { scanned: true, dir: '/src', files: 45, findings: [] } }], ...over }),
  flowTest('source', { title: 'frozen', tags: ['@criterion-11'], evidence: [{ kind: 'probe', step: 'F', name: 'contracts.frozen', summary: 'none', data: { breaking: [] } }] }),
  // the source rules of P0-06, P0-07, P0-10, deciding nothing here (their rows stay as the other checks and reviews say)
  ...['P0-06', 'P0-07', 'P0-10'].map((gap) => flowTest('source', { title: `${gap} source rule`, tags: [`@gap-${gap}`], evidence: [{ kind: 'probe', step: 'G', name: 'source.rule', summary: 'undecided', data: { gap, decided: false, reason: 'no file the rule reads', relevant: [], hits: [] } }] })),
];

export function run(tests: TestModel[], over: Partial<RunModel> = {}): RunModel {
  return { target: { name: 'embedded', kongUrl: 'http://127.0.0.1:8000' }, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:01:00.000Z', allowFlaky: false, tests, ...over };
}

export const HEALTHY_SERVICES = p0ServiceNames().map((service) => ({ service, path: `/health/${service}`, status: 200, latencyMs: 4, body: { status: 'ok', service }, ok: true }));
export const healthEvidence = (checks = HEALTHY_SERVICES): Evidence => ({ kind: 'probe', step: 'health', name: 'health', summary: `${checks.length} P0 services`, data: checks });
/** A passing connection test for criterion 4, 5 or 6 (id 0: the P0-06 check) with one endpoint's evidence (ok unless said otherwise). */
export function transportTest(id: number, over: Partial<TestModel> = {}, ok = true, gap?: string): TestModel {
  const step = `${id}.1. Check — TLS 127.0.0.1:${9000 + id}`;
  const data = { endpoint: `127.0.0.1:${9000 + id}`, tried: 'TLS handshake', answered: ok ? 'verified' : 'HTTP 200 served in plaintext', ok, tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', ...(gap ? { gap } : {}) };
  return flowTest('transport', { title: `${id}. transport check`, tags: id ? [`@criterion-${id}`] : ['@gap-P0-06'], steps: [{ title: step, status: ok ? 'passed' : 'failed', durationMs: 5, ...(ok ? {} : { error: { message: 'Error: plaintext answered', category: 'assertion failed' } }) }], evidence: [{ kind: 'transport', step, name: data.endpoint, summary: `ok ${data.endpoint}`, data }], ...(ok ? {} : { status: 'failed', outcome: 'unexpected' }), ...over });
}

export const healthy = () => [flowTest('preflight', { tags: [], evidence: [healthEvidence()] }), ...sourceTests(), ...[4, 5, 6, 0].map((id) => transportTest(id)), ...['auth', 'scan', 'asset', 'payment', 'auth-bypass'].map((p) => flowTest(p))];
export const crit = (r: ReturnType<typeof computeVerdict>, id: number) => r.criteria.find((c) => c.id === id)!;
export const trig = (r: ReturnType<typeof computeVerdict>, id: string) => r.triggers.find((t) => t.id === id)!;
export const flow = (r: ReturnType<typeof computeVerdict>, n: string) => r.flows.find((f) => f.name === n)!;


/** A step that failed with `err` as a run records it: the step's error, and the structured failure flow.step attaches. */
export function failedStep(title: string, err: Error): { step: StepModel; failure: StructuredFailure } {
  return { step: { title, status: 'failed', durationMs: 5, error: { message: `${err.name}: ${err.message}`, category: categoryOf(err) } }, failure: structuredFailure(title, err) };
}
