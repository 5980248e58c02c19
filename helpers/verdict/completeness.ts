// What a run left out, compared with the catalogue: a project not run, a numbered step that did not run, a bypass probe or a check missing (pure).
//
// A test that failed is NO-GO by its failure, and the steps after the failing one are its consequence, not a gap; this
// is about what a filter (--project, --grep, --grep-invert) or a skip took away. A run missing anything is never GO.
import type { CheckRef, Inventory } from './inventory';
import type { TestModel } from './run';
import { HEALTH_EVIDENCE, healthNotChecked, type HealthCheck } from './health';

export interface Incomplete {
  /** one line per kind of gap, e.g. `flows not run: scan, asset` */
  items: string[];
}

/** A test that started and was not skipped: its checks count as run (pass or fail). */
const ran = (t: TestModel) => t.ran !== false && t.status !== 'skipped' && t.status !== 'interrupted' && t.outcome !== 'skipped';
/** A test that ran and did not fail: every step it should have run must be there. A failed one is judged by its failure. */
const ranClean = (t: TestModel) => ran(t) && t.outcome !== 'unexpected' && !t.steps.some((s) => s.status === 'failed');
/** The step ids a test ran (`7.1. Access dashboard — …` → 7.1); skipped steps did not run. */
const stepIds = (t: TestModel) => t.steps.filter((s) => s.status === 'passed' || s.status === 'failed').map((s) => s.title.split('. ')[0]);

const list = (xs: string[], max = 8) => (xs.length <= max ? xs.join(', ') : `${xs.slice(0, max).join(', ')} and ${xs.length - max} more`);

export function checkRefLabel(r: CheckRef): string {
  return 'project' in r ? r.project : r.tag;
}

/** Everything the inventory expects that this run's tests do not show; empty when the run is complete. */
export function missingFrom(tests: TestModel[], inv: Inventory): string[] {
  const items: string[] = [];
  const inProject = (p: string) => tests.filter((t) => t.project === p);
  const ranIn = (p: string) => inProject(p).filter(ran);

  const notRun = inv.projects.filter((p) => ranIn(p).length === 0);
  const flowsNotRun = notRun.filter((p) => p in inv.flows);
  const othersNotRun = notRun.filter((p) => !(p in inv.flows));
  if (flowsNotRun.length) items.push(`flows not run: ${flowsNotRun.join(', ')}`);
  if (othersNotRun.length) items.push(`projects not run: ${othersNotRun.join(', ')}`);

  // A flow that ran, but without all its numbered steps (a skipped test or step); a failed test is judged by its failure.
  for (const [flow, ids] of Object.entries(inv.flows)) {
    const tests = inProject(flow);
    if (!tests.some(ran) || tests.some((t) => ran(t) && !ranClean(t))) continue;
    const seen = new Set(tests.filter(ranClean).flatMap(stepIds));
    const missing = ids.filter((id) => !seen.has(id));
    if (missing.length) items.push(`${flow} steps not run: ${missing.join(', ')}`);
  }

  // Each probe must be a step of a test that ran; a probe test that failed before its probes is judged by its failure.
  if (!notRun.includes(inv.probeProject)) {
    const probeTests = ranIn(inv.probeProject);
    const titles = probeTests.flatMap((t) => t.steps.filter((s) => s.status === 'passed' || s.status === 'failed').map((s) => `${s.title} `));
    // A service's probe test that failed (say, at its set-up) is judged by that failure, not listed probe by probe.
    const failedBefore = (p: { service: string }) => probeTests.some((t) => t.title.startsWith(`${p.service}:`) && !ranClean(t));
    const missing = inv.probes.filter((p) => !titles.some((title) => title.startsWith(p.step)) && !failedBefore(p));
    if (missing.length) {
      const byService = new Map<string, string[]>();
      for (const p of missing) byService.set(p.service, [...(byService.get(p.service) ?? []), p.route]);
      items.push(`bypass probes not run: ${[...byService].map(([s, routes]) => `${s} (${list(routes, 4)})`).join('; ')}`);
    }
  }

  // Criterion 10 counts against the P0 service list: a health check preflight recorded must have asked every one of them.
  if (inv.health && !notRun.includes(inv.health.project)) {
    const recorded = ranIn(inv.health.project).flatMap((t) => t.evidence.filter((e) => e.name === HEALTH_EVIDENCE));
    const asked = recorded.flatMap((e) => (Array.isArray(e.data) ? (e.data as HealthCheck[]) : []));
    const missing = recorded.length ? healthNotChecked(inv.health.services, asked) : [];
    if (missing.length) items.push(`health checks not run: ${list(missing)}`);
  }

  const tagRan = (project: string | undefined, tag: string) => tests.some((t) => (!project || t.project === project) && t.tags.includes(tag) && ran(t));
  const checksMissing = inv.checks.filter((c) => !notRun.includes(c.project) && !tagRan(c.project, c.tag));
  if (checksMissing.length) items.push(`checks not run: ${checksMissing.map((c) => `${c.tag} (${c.what})`).join(', ')}`);

  // Criteria with a check that did not run (said once: a criterion is named with what it lacked).
  const crit: string[] = [];
  for (const [id, refs] of Object.entries(inv.criteria)) {
    const lacking = refs.filter((r) => ('project' in r ? ranIn(r.project).length === 0 : !tagRan(undefined, r.tag)));
    if (lacking.length) crit.push(`${id} (${lacking.map(checkRefLabel).join(', ')})`);
  }
  if (crit.length) items.push(`criteria missing checks: ${crit.join('; ')}`);
  return items;
}

/** The verdict's one reason for an incomplete run. */
export function incompleteNote(items: string[]): string {
  return `incomplete: ${items.join('; ')} (a filtered or partial run is never GO)`;
}
