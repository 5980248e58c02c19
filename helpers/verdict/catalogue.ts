// The one catalogue of what a complete run contains: the projects, the seed §5 flows and their numbered steps, the auth-bypass probes, the transport and source checks, and each criterion's checks.
//
// playwright.config.ts builds its projects from it, the verdict (helpers/completeness.ts) compares a run against it,
// and the fault matrix names its projects from it. The Playwright reporter only sees the tests a filter left in the
// suite, so what a run should have contained must come from here, never from the suite.
import { contracts } from '../../contracts';

/** The four flows of seed §5, in order (Playwright project names; tests are also tagged `@flow-<name>`). */
export const FLOW_NAMES = ['auth', 'scan', 'asset', 'payment'] as const;
export type FlowId = (typeof FLOW_NAMES)[number];

/** One numbered step of a seed script: `id` is what flow.step titles start with (`7.1. Access dashboard — …`). */
export interface CatalogueStep {
  id: string;
  name: string;
}

/**
 * Seed §5's numbered scripts, as the flows run them. The sub-steps (7.1, 9.1: the dashboard in Chromium before and
 * after logout) are the seed's "access dashboard" of criterion 7, which its numbered script leaves implicit; payment's
 * 4.1–4.3 are what its "simulate Stripe webhook" must also withstand (a replayed, a stale and an unsigned delivery).
 */
export const FLOW_STEPS: Record<FlowId, readonly CatalogueStep[]> = {
  auth: [
    { id: '1', name: 'Get CSRF token' },
    { id: '2', name: 'Get CAPTCHA challenge' },
    { id: '3', name: 'Register user' },
    { id: '4', name: 'Verify email' },
    { id: '5', name: 'Login' },
    { id: '6', name: 'Verify JWT works' },
    { id: '7', name: 'Verify subscription activated' },
    { id: '7.1', name: 'Access dashboard' },
    { id: '8', name: 'Logout' },
    { id: '9', name: 'Verify token blacklisted' },
    { id: '9.1', name: 'Dashboard after logout' },
  ],
  scan: [
    { id: '1', name: 'Login → get JWT' },
    { id: '2', name: 'Create asset' },
    { id: '3', name: 'Verify ownership' },
    { id: '4', name: 'Start scan' },
    { id: '5', name: 'Poll scan status until complete' },
    { id: '6', name: 'Get scan results' },
    { id: '7', name: 'Verify vulnerability created in vuln-mgmt' },
  ],
  asset: [
    { id: '1', name: 'Login → get JWT' },
    { id: '2', name: 'Create asset' },
    { id: '3', name: 'Read asset' },
    { id: '4', name: 'Update asset' },
    { id: '5', name: 'Verify quota updated' },
    { id: '6', name: 'Delete asset' },
    { id: '7', name: 'Verify quota decremented' },
  ],
  payment: [
    { id: '1', name: 'Login → get JWT' },
    { id: '2', name: 'Get plans' },
    { id: '3', name: 'Create checkout session' },
    { id: '4', name: 'Simulate Stripe webhook' },
    { id: '4.1', name: 'Replayed webhook books nothing twice' },
    { id: '4.2', name: 'Stale webhook refused' },
    { id: '4.3', name: 'Unsigned webhook refused' },
    { id: '5', name: 'Verify subscription updated' },
    { id: '6', name: 'Verify invoice created' },
  ],
};

/** The project whose failure means the run could not be evaluated (criterion 10's health checks). */
export const PREFLIGHT = 'preflight';
/** The auth-bypass probes: not one of the four flows, but required (it feeds the auth-bypass trigger). */
export const BYPASS = 'auth-bypass';
/** Connection tests (criteria 4, 5, 6 and P0-06) and source checks (criteria 3 and 11). */
export const TRANSPORT = 'transport';
export const SOURCE = 'source';

export type ProjectName = typeof PREFLIGHT | typeof SOURCE | typeof TRANSPORT | FlowId | typeof BYPASS;

export interface CatalogueProject {
  name: ProjectName;
  /** the spec file under flows/ */
  spec: string;
  kind: 'setup' | 'check' | 'flow' | 'probes';
  /** runs after preflight (the flows, probes and transport checks need a reachable target) */
  afterPreflight: boolean;
}

/**
 * Every project of a run, in the order Playwright schedules them: transport first (short; no flow depends on it), then
 * the auth-bypass probes, whose nine tests run one after another in one worker, the longest chain of a run: started
 * last, it decided the wall time (npm run bench: median 18.5 s with it last, 15.4 s with it here).
 */
export const PROJECTS: readonly CatalogueProject[] = [
  { name: PREFLIGHT, spec: 'preflight.setup.ts', kind: 'setup', afterPreflight: false },
  { name: SOURCE, spec: 'source.spec.ts', kind: 'check', afterPreflight: false },
  { name: TRANSPORT, spec: 'transport.spec.ts', kind: 'check', afterPreflight: true },
  { name: BYPASS, spec: 'auth-bypass.spec.ts', kind: 'probes', afterPreflight: true },
  ...FLOW_NAMES.map((name) => ({ name, spec: `${name}.spec.ts`, kind: 'flow' as const, afterPreflight: true })),
];
export const PROJECT_NAMES: readonly ProjectName[] = PROJECTS.map((p) => p.name);

/** A transport or source check: the test in `project` tagged `tag`. */
export interface CatalogueCheck {
  project: ProjectName;
  tag: string;
  what: string;
}
export const CHECKS: readonly CatalogueCheck[] = [
  { project: SOURCE, tag: '@criterion-3', what: 'no hardcoded secrets in the deployed source' },
  { project: SOURCE, tag: '@criterion-11', what: 'contracts changed only additively since the frozen baseline' },
  { project: SOURCE, tag: '@gap-P0-06', what: 'DB_SSL on by default in the source' },
  { project: SOURCE, tag: '@gap-P0-07', what: 'no secret in compose or .env files' },
  { project: SOURCE, tag: '@gap-P0-10', what: 'no random CSRF_ENCRYPTION_KEY fallback in the source' },
  { project: TRANSPORT, tag: '@criterion-4', what: 'TLS on the gateway and every public endpoint' },
  { project: TRANSPORT, tag: '@criterion-5', what: 'Kafka SSL' },
  { project: TRANSPORT, tag: '@criterion-6', what: 'Redis TLS' },
  { project: TRANSPORT, tag: '@gap-P0-06', what: 'PostgreSQL TLS, plaintext refused' },
  { project: BYPASS, tag: '@bola', what: 'cross-tenant access refused (BOLA)' },
];

/** What shows a criterion was checked: a project that ran, or a test tagged so. */
export type CheckRef = { project: ProjectName } | { tag: string };
/** Seed §7: the checks each criterion is decided by (criterion 1: one per P0 gap a run can see). */
export const CRITERION_CHECKS: Record<number, readonly CheckRef[]> = {
  1: ['P0-01', 'P0-02', 'P0-03', 'P0-04', 'P0-05', 'P0-06', 'P0-09'].map((g) => ({ tag: `@gap-${g}` })),
  2: FLOW_NAMES.map((project) => ({ project })),
  3: [{ tag: '@criterion-3' }],
  4: [{ tag: '@criterion-4' }],
  5: [{ tag: '@criterion-5' }],
  6: [{ tag: '@criterion-6' }],
  7: [{ project: 'auth' }],
  8: [{ project: 'scan' }],
  9: [{ project: 'payment' }],
  10: [{ project: PREFLIGHT }],
  11: [{ tag: '@criterion-11' }],
  12: [{ project: 'auth' }],
};

/** One auth-bypass probe: a step of the auth-bypass project whose title starts with `step`. */
export interface CatalogueProbe {
  service: string;
  route: string;
  step: string;
}

/**
 * The probes a complete run makes, from the contracts: every protected route of every P0 service (`P. Probe <operationId>`),
 * and every internal route of a P0 service that has them (P0-05: `P. Probe internal <path>`).
 */
export function bypassProbes(): CatalogueProbe[] {
  const c = contracts();
  const out: CatalogueProbe[] = [];
  for (const s of c.p0Services()) {
    for (const r of c.routesOf(s.name).filter((x) => x.protected)) out.push({ service: s.name, route: `${r.method} ${r.path}`, step: `P. Probe ${r.operationId} ` });
    for (const route of s.internal) out.push({ service: s.name, route, step: `P. Probe internal ${route.split(' ')[1]} ` });
  }
  return out;
}

/** What a complete run contains, as completeness.ts checks it. Built from the catalogue; the reporter's own tests pass a small one. */
export interface Inventory {
  projects: readonly string[];
  /** flow → its numbered steps' ids */
  flows: Record<string, readonly string[]>;
  probes: readonly CatalogueProbe[];
  /** the project the probes run in */
  probeProject: string;
  checks: readonly CatalogueCheck[];
  criteria: Record<number, readonly CheckRef[]>;
  /** criterion 10: the project that asks every seed P0 service (x-services names) for its health */
  health?: { project: string; services: readonly string[] };
}

let inventory: Inventory | undefined;
/** The whole catalogue as an inventory (the contracts are read once). */
export function catalogueInventory(): Inventory {
  return (inventory ??= {
    projects: PROJECT_NAMES,
    flows: Object.fromEntries(FLOW_NAMES.map((f) => [f, FLOW_STEPS[f].map((s) => s.id)])),
    probes: bypassProbes(),
    probeProject: BYPASS,
    checks: CHECKS,
    criteria: CRITERION_CHECKS,
    health: { project: PREFLIGHT, services: contracts().p0Services().map((s) => s.name) },
  });
}
