// Criterion 10: preflight's health answers of every P0 service (200, body fits `Health`, status ok), with latency.
import { p0Label, p0ServiceNames } from '../../../contracts/p0-services';
import type { Evidence } from '../evidence';
import { HEALTH_EVIDENCE, healthNotChecked, type HealthCheck } from '../health';
import { PREFLIGHT } from '../projects';
import { evidenceOf } from '../run';
import { type CriterionOutcome, defineCriterion, type RunContext } from './types';

const isHealth = (e: Evidence) => e.kind === 'probe' && e.name === HEALTH_EVIDENCE;

function evaluate(ctx: RunContext): CriterionOutcome {
  const preflight = ctx.run.tests.filter((t) => t.project === PREFLIGHT);
  const evidence = preflight.map((t) => evidenceOf(t, isHealth));
  const checks = preflight.flatMap((t) => t.evidence.filter(isHealth)).flatMap((e) => (Array.isArray(e.data) ? (e.data as HealthCheck[]) : []));
  if (checks.length === 0) return { status: 'not-run', detail: 'preflight did not check the health endpoints', evidence };
  const bad = checks.filter((h) => !h.ok);
  if (bad.length) return { status: 'fail', detail: bad.map((h) => `${p0Label(h.service)}: ${h.path} ${h.problem}`).join('; '), evidence };
  // Counted against the P0 service list, not against whatever preflight chose to ask.
  const missing = healthNotChecked(p0ServiceNames(), checks);
  if (missing.length) return { status: 'not-run', detail: `no health answer for seed P0 service(s) ${missing.map(p0Label).join(', ')}`, evidence };
  return { status: 'pass', detail: `all ${p0ServiceNames().length} seed P0 services answered status ok naming themselves: ${checks.map((h) => `${p0Label(h.service)} ${h.latencyMs} ms`).join(', ')}`, evidence };
}

export default defineCriterion({
  id: 10,
  title: 'All P0 services have health endpoints responding',
  verification: 'Health check script',
  decidedBy: 'evidence',
  checks: [{ project: PREFLIGHT }],
  evaluate,
});
