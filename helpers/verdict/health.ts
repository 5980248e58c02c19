// Criterion 10's judgement of one health answer: 200 with a body that fits the contract's `Health` schema (`status: ok`) and names the service asked, else why not.
import type { Contracts } from '../../contracts';

export interface HealthCheck {
  service: string;
  path: string;
  /** HTTP status, or undefined when the service did not answer */
  status?: number;
  latencyMs: number;
  body?: unknown;
  ok: boolean;
  /** why it is not healthy */
  problem?: string;
}

/** Name of the evidence preflight records for criterion 10 (one per run, every P0 service in it). */
export const HEALTH_EVIDENCE = 'health';

export function judgeHealth(c: Pick<Contracts, 'validateSchema'>, a: Omit<HealthCheck, 'ok' | 'problem'>): HealthCheck {
  if (a.status === undefined) return { ...a, ok: false, problem: 'no answer' };
  if (a.status !== 200) return { ...a, ok: false, problem: `answered ${a.status}` };
  const v = c.validateSchema('Health', a.body);
  if (v.ok) {
    // One catch-all route answering every health path would otherwise stand in for services that are not there.
    const named = (a.body as { service?: unknown }).service;
    if (named !== a.service) return { ...a, ok: false, problem: `200 but the body names service ${JSON.stringify(named)}, not "${a.service}"` };
    return { ...a, ok: true };
  }
  // A 200 that says "degraded" is an answer, not health.
  const said = a.body && typeof a.body === 'object' && 'status' in a.body ? ` (status ${JSON.stringify((a.body as any).status)})` : '';
  return { ...a, ok: false, problem: `200 but the body does not fit the Health schema${said}: ${v.errors.join('; ')}` };
}

/**
 * The seed P0 services (`expected`, x-services names) that no health answer in `checks` is for: criterion 10 counts against the
 * compliance matrix's list, so a service preflight never asked is missing, not silently left out.
 */
export function healthNotChecked(expected: readonly string[], checks: readonly Pick<HealthCheck, 'service'>[]): string[] {
  const asked = new Set(checks.map((h) => h.service));
  return expected.filter((s) => !asked.has(s));
}
