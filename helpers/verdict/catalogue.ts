// The one catalogue of what a complete run contains, built from the flows (contracts/flows.ts), the criteria and the P0 gaps: projects, numbered steps, auth-bypass probes, tagged checks and each criterion's checks.
//
// playwright.config.ts builds its projects from it, the verdict (completeness.ts) compares a run against it, and the
// fault matrix names its projects from it. The Playwright reporter only sees the tests a filter left in the suite, so
// what a run should have contained must come from here, never from the suite.
import { contracts } from '../../contracts';
import { BYPASS, FLOW_NAMES, stepsOf } from '../../contracts/flows';
import { CRITERIA } from './criteria';
import { GAP_PROJECT_CHECKS } from './gaps';
import type { CatalogueCheck, CatalogueProbe, CheckRef, Inventory } from './inventory';
import { PREFLIGHT, PROJECTS } from './projects';

export type { CatalogueCheck, CatalogueProbe, CheckRef, Inventory } from './inventory';
export type { CatalogueProject, ProjectName } from './projects';
export { PROJECTS } from './projects';

/** The cross-tenant probe: a check of the probes project that feeds the auth-bypass trigger (BOLA). */
export const BOLA_TAG = '@bola';

/** The tagged checks a complete run contains: the criteria's, the gaps', and the cross-tenant probe. */
export const CHECKS: readonly CatalogueCheck[] = [
  ...CRITERIA.flatMap((c) => c.checks.filter((r): r is CatalogueCheck => 'what' in r)),
  ...GAP_PROJECT_CHECKS,
  { project: BYPASS, tag: BOLA_TAG, what: 'cross-tenant access refused (BOLA)' },
];

/** The checks each criterion is decided by, from the criteria themselves. */
export const CRITERION_CHECKS: Record<number, readonly CheckRef[]> = Object.fromEntries(
  CRITERIA.map((c) => [c.id, c.checks.map((r): CheckRef => ('tag' in r ? { tag: r.tag } : { project: r.project }))]),
);

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

let inventory: Inventory | undefined;
/** The whole catalogue as an inventory (the contracts are read once). */
export function catalogueInventory(): Inventory {
  return (inventory ??= {
    projects: PROJECTS.map((p) => p.name),
    flows: Object.fromEntries(FLOW_NAMES.map((f) => [f, stepsOf(f).map((s) => s.id)])),
    probes: bypassProbes(),
    probeProject: BYPASS,
    checks: CHECKS,
    criteria: CRITERION_CHECKS,
    health: { project: PREFLIGHT, services: contracts().p0Services().map((s) => s.name) },
  });
}
