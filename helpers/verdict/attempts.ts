// Retries keep what they saw: an attempt that found a defect of the target decides its test, as if it had been the last (pure).
import { type Category, firstLine } from '../errors';
import type { Evidence, TransportEvidence } from './evidence';
import type { AttemptModel, TestModel } from './run';

/**
 * What the target did wrong, as opposed to what it did late or what the harness could not reach: a bad token served, a
 * probed route answering 5xx, a message or response off its contract, a row or key missing or wrong. A retry that passes
 * does not undo one, so FLOWGATE_ALLOW_FLAKY does not forgive it. Nor a 5xx answer in a flow: the target failed. A late
 * event, a budget overrun, an unreachable service or another unexpected status stays forgivable (that is what a retry is for).
 */
export const DEFECT_CATEGORIES: readonly Category[] = ['auth bypass', 'auth probe error', 'contract violation', 'database state'];
/** An unexpected response is a defect when the target answered with a server error (UnexpectedResponse's message). */
const SERVER_ERROR = /\bexpected \d{3}(?: or \d{3})*, got 5\d\d\b/;

type Attempt = Pick<AttemptModel, 'steps' | 'error' | 'evidence' | 'failures'>;

/** The defects an attempt recorded, one line each (category: first line of the error, or the endpoint); empty when none. */
export function defectsOf(a: Attempt): string[] {
  const out: string[] = [];
  const add = (category: Category, text: string | undefined) => {
    const line = `${category}: ${firstLine(text) || '(no message)'}`;
    const defect = DEFECT_CATEGORIES.includes(category) || (category === 'unexpected response' && SERVER_ERROR.test(text ?? ''));
    if (defect && !out.includes(line)) out.push(line);
  };
  for (const s of a.steps) {
    if (s.status !== 'failed' || !s.error) continue;
    // The step's own structured failure says its category; the text classification only when it attached none.
    add(a.failures?.find((f) => f.step === s.title)?.category ?? s.error.category, s.error.message);
  }
  if (a.error && !a.steps.some((s) => s.status === 'failed')) add(a.error.category, a.error.message);
  // A connection test's evidence is its finding: an endpoint that answered in plaintext, a database accepting it (P0-06).
  for (const e of a.evidence) {
    const d = transportOf(e);
    if (d && (!d.ok || d.gap)) {
      const line = `${d.gap ? `${d.gap} finding` : 'transport'}: ${d.endpoint} ${firstLine(d.answered)}`;
      if (!out.includes(line)) out.push(line);
    }
  }
  return out;
}

function transportOf(e: Evidence): TransportEvidence | undefined {
  const d = e.data as TransportEvidence | undefined;
  return e.kind === 'transport' && d && typeof d.endpoint === 'string' && typeof d.ok === 'boolean' ? d : undefined;
}

/**
 * The test as the verdict decides it. The last attempt, unless it found no defect and an earlier one did: then the latest
 * such attempt stands in for the last one (its status, steps, error, evidence), so a missing audit row, a wire violation
 * or a probe's 5xx seen once counts although a retry passed. Bypass findings are already kept from every attempt.
 */
export function decidingAttempt(t: TestModel): TestModel {
  if (!t.earlier?.length || defectsOf(t).length) return t;
  for (let i = t.earlier.length - 1; i >= 0; i--) {
    const a = t.earlier[i];
    const defects = defectsOf(a);
    if (!defects.length) continue;
    const { flakyFailure: _f, error: _e, failures: _fs, ...rest } = t;
    return {
      ...rest,
      status: a.status === 'passed' ? 'failed' : a.status,
      outcome: 'unexpected',
      steps: a.steps,
      evidence: a.evidence,
      ...(a.error ? { error: a.error } : {}),
      ...(a.failures ? { failures: a.failures } : {}),
      decidedBy: { attempt: a.attempt, of: t.retries + 1, defects },
    };
  }
  return t;
}
