// Errors about HTTP answers: an unexpected status or oversized body, and protected routes that serve or crash on bad tokens.
import type { BypassFinding } from '../verdict/evidence';
import { formatBytes } from '../body';
import { FlowgateError, plural } from './base';
import { excerpt } from './text';

export interface UnexpectedResponseDetails {
  method: string;
  path: string;
  expected: number | number[];
  got: number;
  body?: unknown;
  traceId?: string;
  /** the contract operation called, when the call was one */
  operationId?: string;
  /** the body was over the size cap and not read (helpers/body.ts): its size as far as it was known */
  tooLarge?: { bytes: number; declared: boolean; capBytes: number };
}

export class UnexpectedResponse extends FlowgateError {
  static readonly category = 'unexpected response' as const;
  readonly method: string;
  readonly path: string;
  readonly expectedStatus: number[];
  readonly got: number;
  readonly traceId?: string;
  readonly operationId?: string;
  readonly tooLarge?: { bytes: number; declared: boolean; capBytes: number };
  readonly details: { method: string; path: string; expectedStatus: readonly string[]; got: number; operationId?: string; traceId?: string; tooLargeBytes?: number };
  constructor(d: UnexpectedResponseDetails) {
    const expected = Array.isArray(d.expected) ? d.expected : [d.expected];
    const op = d.operationId ? ` (${d.operationId})` : '';
    const trace = d.traceId ? ` (trace ${d.traceId})` : '';
    const big = d.tooLarge;
    const size = big && (big.declared ? `a body of ${formatBytes(big.bytes)} by its Content-Length, not read` : `a body over the cap: reading stopped after ${formatBytes(big.bytes)}`);
    const cap = big && `at most ${formatBytes(big.capBytes)} (FLOWGATE_MAX_BODY_BYTES)`;
    super(
      'UnexpectedResponse',
      big
        ? `${d.method} ${d.path}${op} answered ${d.got} with ${size}; a body of ${cap} was expected${trace}`
        : `${d.method} ${d.path}${op} expected ${expected.join(' or ')}, got ${d.got}${trace}; body: ${excerpt(d.body)}`,
    );
    this.method = d.method;
    this.path = d.path;
    this.expectedStatus = expected;
    this.got = d.got;
    this.probe = `${d.method} ${d.path}`;
    this.expected = big ? `status ${expected.join(' or ')} with a body of ${cap}` : `status ${expected.join(' or ')}`;
    this.observed = big ? `status ${d.got} with ${size}${trace}` : `status ${d.got}${trace}; body: ${excerpt(d.body, 200)}`;
    this.traceId = d.traceId;
    this.operationId = d.operationId;
    this.tooLarge = big;
    this.details = { method: d.method, path: d.path, expectedStatus: expected.map(String), got: d.got, operationId: d.operationId, traceId: d.traceId, tooLargeBytes: big?.bytes };
  }
}

/** The routes of a set of probe findings, at most twenty, for a structured failure. */
const routesOf = (findings: { route: string; status: number; tokenKind: string }[]) => findings.slice(0, 20).map((f) => `${f.route} ${f.status} ${f.tokenKind}`);

export class AuthBypass extends FlowgateError {
  static readonly category = 'auth bypass' as const;
  readonly findings: BypassFinding[];
  readonly details: { count: number; routes: readonly string[] };
  constructor(findings: BypassFinding[]) {
    const lines = findings.map((f) => `\n  ${f.route}${f.service ? ` (${f.service})` : ''} answered ${f.status} to ${f.tokenKind === 'cross-tenant' ? "another tenant's token (BOLA)" : `a ${f.tokenKind} token`}`).join('');
    super('AuthBypass', `expected 401 from every protected route for every bad token (403/404 for another tenant's), but ${plural(findings.length, 'call')} got through:${lines}`);
    this.findings = findings;
    this.probe = 'protected routes with bad tokens';
    this.expected = "401 from every protected route for every bad token (403/404 for another tenant's)";
    this.observed = findings.map((f) => `${f.route} answered ${f.status} to a ${f.tokenKind} token`).join('; ');
    this.details = { count: findings.length, routes: routesOf(findings) };
  }
}

export interface ProbeServerErrorFinding {
  /** 'METHOD /path' as in the OpenAPI contract */
  route: string;
  service: string;
  /** what the request carried: a token kind, or 'cross-tenant' */
  tokenKind: string;
  /** the 5xx status */
  status: number;
}

/** A protected route answered 5xx to a request it should refuse: nothing was served, but the route errors instead of refusing. */
export class ProbeServerError extends FlowgateError {
  static readonly category = 'auth probe error' as const;
  readonly findings: ProbeServerErrorFinding[];
  readonly details: { count: number; routes: readonly string[] };
  constructor(findings: ProbeServerErrorFinding[]) {
    const lines = findings.map((f) => `\n  ${f.route}${f.service ? ` (${f.service})` : ''} answered ${f.status} to a ${f.tokenKind} token`).join('');
    super('ProbeServerError', `expected a refusal (401, or 403/404 for another tenant) from every probed route, but ${plural(findings.length, 'call')} answered with a server error:${lines}`);
    this.findings = findings;
    this.probe = 'protected routes with bad tokens';
    this.expected = 'a refusal (401, or 403/404 for another tenant) from every probed route';
    this.observed = findings.map((f) => `${f.route} answered ${f.status} to a ${f.tokenKind} token`).join('; ');
    this.details = { count: findings.length, routes: routesOf(findings) };
  }
}
