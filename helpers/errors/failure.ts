// The structured failure of a step: what the verdict reads of a failing step (category, class, expected, observed, details), never its message.
import { CATEGORIES, FlowgateError, type Category, type FailureDetails } from './base';
import { categoryOf, errorClassOf } from './category';
import { excerpt, firstLine } from './text';
import { isUnreachable } from './unreachable';

/**
 * A failing step as the verdict reads it: attached by flow.step (FAILURE_ATTACHMENT) when a step throws, so the verdict
 * takes the category, what was expected and what was observed from the error's own fields, not from its text.
 */
export interface StructuredFailure {
  /** the step's title, `4. Start scan — POST /api/v1/scans` */
  step: string;
  category: Category;
  /** what was asked: the DB probe, the topic, `METHOD /path`, the Redis key, the component */
  probe: string;
  expected: string;
  observed: string;
  /** the error's first line, for people */
  error: string;
  /** true when the fields came from the harness's own typed error; false when classified from another error's text */
  typed: boolean;
  /** the error's class (always set by structuredFailure and parseStructuredFailure; optional for older attachments): one of ours (ContractViolation …), or the other error's name (Error, TimeoutError …) */
  errorName?: string;
  /** true when the failure means a part could not be reached (isUnreachable) */
  unreachable?: boolean;
  /** the typed error's own fields (ContractViolation: source, topic …; DbStateMismatch: probe, rows); {} for other errors */
  details?: FailureDetails;
}
export const FAILURE_ATTACHMENT = 'flowgate-failure';
export const FAILURE_CONTENT_TYPE = 'application/vnd.flowgate.failure+json';

type OtherError = { message?: string; name?: string; stack?: string; matcherResult?: { expected?: unknown; actual?: unknown; name?: string } };

/**
 * The structured failure of a step. The harness's own errors carry their fields; any other error (a Playwright expect,
 * a driver) is classified by categoryOf's fallback, and an expect's matcher result gives what it expected and received.
 */
export function structuredFailure(step: string, err: unknown): StructuredFailure {
  const e = (err ?? {}) as OtherError;
  const error = firstLine(e.name && e.message && !e.message.startsWith(`${e.name}:`) ? `${e.name}: ${e.message}` : (e.message ?? String(err)));
  if (err instanceof FlowgateError)
    return { step, category: err.category, probe: err.probe, expected: err.expected, observed: err.observed, error, typed: true, errorName: err.name, unreachable: err.unreachable, details: err.details };
  const m = e.matcherResult;
  const category = categoryOf(e);
  return {
    step,
    category,
    probe: m?.name ? `expect().${m.name}` : '(other code)',
    expected: m && 'expected' in m ? excerpt(m.expected, 300) : '(not stated by the error)',
    observed: m && 'actual' in m ? excerpt(m.actual, 300) : error,
    error,
    typed: false,
    errorName: errorClassOf(e) ?? (typeof e.name === 'string' && e.name ? e.name : 'Error'),
    unreachable: category === 'infrastructure unreachable' || isUnreachable(err),
    details: {},
  };
}

/** A structured failure read back from its attachment; undefined when the body is not one. Fields a writer left out get their defaults. */
export function parseStructuredFailure(body: string | Buffer): StructuredFailure | undefined {
  try {
    const f = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : body);
    if (f && typeof f.step === 'string' && (CATEGORIES as readonly string[]).includes(f.category) && typeof f.expected === 'string' && typeof f.observed === 'string')
      return {
        ...f,
        errorName: typeof f.errorName === 'string' ? f.errorName : 'Error',
        unreachable: typeof f.unreachable === 'boolean' ? f.unreachable : f.category === 'infrastructure unreachable',
        details: f.details && typeof f.details === 'object' && !Array.isArray(f.details) ? f.details : {},
      } as StructuredFailure;
  } catch {
    /* not ours */
  }
  return undefined;
}
