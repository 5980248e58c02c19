// Typed harness errors (each says what was expected, what came, and where) and the failure categories the verdict uses.
import type { BypassFinding } from './verdict/evidence';
import { describeCriteria } from './match';
import { formatBytes } from './body';
import { capMarker, capText, QUOTE_CAP_CHARS, redactPatterns } from './redact';

/**
 * Failure categories, as a person reads them (they appear in go-no-go.json and as Allure categories).
 * 'assertion failed' is a plain expect() failure the harness did not classify further; 'unknown' is anything else.
 */
export const CATEGORIES = [
  'auth bypass',
  // a protected route that errors (5xx) on an unauthenticated, forged or other tenant's request instead of refusing it
  'auth probe error',
  'contract violation',
  'event not observed',
  'unexpected response',
  'database state',
  'infrastructure unreachable',
  'budget exceeded',
  'configuration',
  'assertion failed',
  'unknown',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Longest excerpt of a body/value quoted in a message: enough to see what came, short enough for a console. */
export const EXCERPT_CHARS = QUOTE_CAP_CHARS;

/**
 * How far past the excerpt the text is redacted before it is cut: a secret that starts inside the excerpt and ends
 * after it is still recognised whole (a token field's closing quote, a URL's @).
 */
const EXCERPT_LOOKAHEAD = 2_048;

export function truncate(text: string, max = EXCERPT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more chars)`;
}

/** Line breaks and the blanks around them become one space (a hand loop: a regex such as \s*\n\s* is quadratic on long blank runs). */
function oneLine(s: string): string {
  if (!s.includes('\n')) return s;
  return s
    .split('\n')
    .map((l, i, all) => (i === 0 ? l.trimEnd() : i === all.length - 1 ? l.trimStart() : l.trim()))
    .filter((l, i, all) => l !== '' || i === 0 || i === all.length - 1)
    .join(' ');
}

/**
 * Any value as a one-line excerpt for a message: strings as they are, Buffers decoded, the rest JSON; capped before
 * it is redacted (secret-shaped text: tokens, token fields, connection-string passwords), and the part left out
 * counted: `… [N bytes more]`. The reporters redact known secrets again; this makes the message safe where it is made.
 */
export function excerpt(value: unknown, max = EXCERPT_CHARS): string {
  if (value === undefined) return '(none)';
  if (value === null) return 'null';
  let s: string | Buffer;
  if (Buffer.isBuffer(value) || typeof value === 'string') s = value;
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = String(value);
    }
  }
  const window = capText(s, max + EXCERPT_LOOKAHEAD);
  const safe = oneLine(redactPatterns(window.head, { cut: window.moreBytes > 0 }));
  if (safe.length <= max && window.moreBytes === 0) return safe;
  const { head, moreBytes } = capText(safe, max);
  return `${head}${capMarker(moreBytes + window.moreBytes)}`;
}

/** What an error may say about another tenant's message: where it is and its key, never its payload. */
export interface EventRef {
  topic: string;
  partition?: number;
  offset?: string | number;
  key?: string | null;
}

const describeRef = (e: EventRef) =>
  `${e.topic}${e.key !== undefined && e.key !== null ? ` key ${excerpt(e.key, 80)}` : ''}${e.partition !== undefined ? ` (partition ${e.partition}${e.offset !== undefined ? `, offset ${e.offset}` : ''})` : ''}`;

/** 10000 → '10 s', 1500 → '1.5 s', 250 → '250 ms': budgets read the way the seed writes them. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * An address with any user:password@ removed, so an error never carries a credential; the userinfo runs to the
 * address's last @, so a password with an unencoded / or @ goes whole (postgres://u:pa/ss@h/db → postgres://h/db).
 * Linear: the scheme can only start where a run of scheme characters starts, and the userinfo is bounded.
 */
export function withoutCredentials(address: string): string {
  return address.replace(/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/)(?:[^\s:/?#@"'`<>]{0,256}:[^\s"'`<>]{0,256}|[^\s/?#@"'`<>]{0,256})@/gi, '$1');
}

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
  /** the typed error's class name (`ContractViolation`), when it was one */
  errorName?: string;
  /** the typed error's own fields the verdict decides by (a contract violation's source and topic, a DB probe's name) */
  details?: FailureDetails;
}

/** Short scalars an error carries for the verdict beside its message (names, ids, statuses), never a payload. */
export type FailureDetails = Readonly<Record<string, string | number | boolean | undefined>>;
export const FAILURE_ATTACHMENT = 'flowgate-failure';
export const FAILURE_CONTENT_TYPE = 'application/vnd.flowgate.failure+json';

export abstract class FlowgateError extends Error {
  abstract readonly category: Category;
  /** what the check asked, expected and observed: each typed error fills these (the verdict reads them, not the message) */
  probe = '';
  expected = '';
  observed = '';
  /** the class's own fields the verdict decides by; empty when it needs none */
  details: FailureDetails = {};
  constructor(name: string, detail: string) {
    // The message is the detail alone: Playwright, Allure and String(err) all print "<name>: <message>".
    super(detail);
    // The class name, not 'Error', so categoryOf() and people can tell the kinds apart from the text alone.
    this.name = name;
    if (typeof this.stack === 'string') this.stack = this.stack.replace(/^Error: /, `${name}: `);
  }
}

export interface EventNotObservedDetails {
  topic: string;
  /** the business keys waited for: a describeCriteria() string or the criteria object */
  match: string | Record<string, unknown>;
  budgetMs: number;
  /** events seen on the topic in the window that did not match */
  sawCount: number;
  /** a few of those events, by where they are and their key: they may be other tenants', so never their payload */
  sample?: EventRef[];
  /** what the observer's bounded buffer dropped on the topic (helpers/event-buffer.ts describeDropped) */
  dropped?: string;
}

export class EventNotObserved extends FlowgateError {
  readonly category = 'event not observed' as const;
  readonly topic: string;
  readonly match: string;
  readonly budgetMs: number;
  readonly sawCount: number;
  readonly sample: EventRef[];
  readonly dropped?: string;
  constructor(d: EventNotObservedDetails) {
    const match = typeof d.match === 'string' ? d.match : describeCriteria(d.match as any);
    // Only where each is and its key, even when a caller hands more: the payload may be another tenant's.
    const sample = (d.sample ?? []).slice(0, 3).map((e) => ({ topic: e.topic, ...(e.partition !== undefined ? { partition: e.partition } : {}), ...(e.offset !== undefined ? { offset: e.offset } : {}), ...(e.key !== undefined ? { key: e.key } : {}) }));
    const saw = (d.sawCount === 0 ? 'saw nothing else on that topic' : `saw ${d.sawCount} other${d.sawCount === 1 ? '' : 's'} (not quoted: they may be other tenants')`) + (d.dropped ? `; ${d.dropped}` : '');
    const lines = sample.map((s) => `\n  e.g. ${describeRef(s)}`).join('');
    super('EventNotObserved', `no ${d.topic} for ${match || '(any)'} within ${formatMs(d.budgetMs)}; ${saw}${lines}`);
    this.topic = d.topic;
    this.match = match;
    this.budgetMs = d.budgetMs;
    this.probe = d.topic;
    this.expected = `a ${d.topic} event for ${match || '(any)'} within ${formatMs(d.budgetMs)}`;
    this.observed = saw;
    this.sawCount = d.sawCount;
    this.sample = sample;
    this.dropped = d.dropped;
  }
}

export interface ContractViolationDetails {
  /** every way the thing breaks its contract */
  problems: string[];
  /** for an event */
  topic?: string;
  partition?: number;
  offset?: string | number;
  headers?: Record<string, unknown>;
  value?: unknown;
  /** for an HTTP response */
  operationId?: string;
  status?: number;
  body?: unknown;
}

export class ContractViolation extends FlowgateError {
  readonly category = 'contract violation' as const;
  readonly problems: string[];
  readonly topic?: string;
  readonly operationId?: string;
  /** the HTTP status of a response that broke the contract */
  readonly status?: number;
  constructor(d: ContractViolationDetails) {
    let where: string;
    let quoted: string;
    if (d.topic !== undefined) {
      const pos = [d.partition !== undefined ? `partition ${d.partition}` : '', d.offset !== undefined ? `offset ${d.offset}` : ''].filter(Boolean).join(', ');
      where = `event on ${d.topic}${pos ? ` (${pos})` : ''}`;
      quoted = `\n  headers: ${excerpt(d.headers ?? {}, 200)}\n  value: ${excerpt(d.value)}`;
    } else {
      where = `response of ${d.operationId ?? '(unknown operation)'}${d.status !== undefined ? ` with status ${d.status}` : ''}`;
      quoted = `\n  body: ${excerpt(d.body)}`;
    }
    super('ContractViolation', `${where} breaks the frozen contract: ${d.problems.join('; ')}${quoted}`);
    this.problems = d.problems;
    this.topic = d.topic;
    this.operationId = d.operationId;
    this.status = d.status;
    this.probe = d.topic ?? d.operationId ?? '(unknown operation)';
    this.expected = d.topic !== undefined ? 'an event that fits asyncapi.yaml' : `a response that fits openapi.yaml${d.status !== undefined ? ` for status ${d.status}` : ''}`;
    this.observed = d.problems.join('; ');
    this.details = { source: d.topic !== undefined ? 'event' : 'response', topic: d.topic, operationId: d.operationId, status: d.status };
  }
}

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
  readonly category = 'unexpected response' as const;
  readonly method: string;
  readonly path: string;
  readonly expectedStatus: number[];
  readonly got: number;
  readonly traceId?: string;
  readonly operationId?: string;
  readonly tooLarge?: { bytes: number; declared: boolean; capBytes: number };
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
  }
}

export interface DbStateMismatchDetails {
  /** the named probe of the target profile, e.g. 'audit.register' */
  probe: string;
  /** what the probe should have found, in words */
  expected: string;
  /** the rows it did find */
  got: unknown[];
  /** the probe's parameters (the business keys), for the reader */
  params?: unknown;
}

export class DbStateMismatch extends FlowgateError {
  readonly category = 'database state' as const;
  readonly got: unknown[];
  constructor(d: DbStateMismatchDetails) {
    const got = d.got.length === 0 ? 'no rows' : `${d.got.length} row${d.got.length === 1 ? '' : 's'}: ${excerpt(d.got)}`;
    super('DbStateMismatch', `probe ${d.probe}${d.params !== undefined ? ` (${excerpt(d.params, 200)})` : ''} expected ${d.expected}, got ${got}`);
    this.probe = d.probe;
    this.got = d.got;
    this.expected = d.expected;
    this.observed = got;
    this.details = { probe: d.probe };
  }
}

export interface RedisStateMismatchDetails {
  key: string;
  expected: string;
  got: unknown;
}

export class RedisStateMismatch extends FlowgateError {
  readonly category = 'database state' as const;
  readonly key: string;
  constructor(d: RedisStateMismatchDetails) {
    super('RedisStateMismatch', `redis key ${d.key} expected ${d.expected}, got ${d.got === null || d.got === undefined ? 'nothing' : excerpt(d.got, 200)}`);
    this.key = d.key;
    this.probe = `redis ${d.key}`;
    this.expected = d.expected;
    this.observed = d.got === null || d.got === undefined ? 'nothing' : excerpt(d.got, 200);
  }
}

export class InfrastructureUnreachable extends FlowgateError {
  readonly category = 'infrastructure unreachable' as const;
  readonly component: string;
  readonly address: string;
  constructor(component: string, address: string, cause: string) {
    const safe = withoutCredentials(address);
    super('InfrastructureUnreachable', `cannot reach ${component} at ${safe}: ${withoutCredentials(cause)}`);
    this.component = component;
    this.address = safe;
    this.probe = `${component} at ${safe}`;
    this.expected = `${component} answering`;
    this.observed = withoutCredentials(cause);
  }
}

export class BudgetExceeded extends FlowgateError {
  readonly category = 'budget exceeded' as const;
  readonly waitingFor: string;
  readonly budgetMs: number;
  constructor(waitingFor: string, budgetMs: number, lastSeen?: string) {
    super('BudgetExceeded', `waited ${formatMs(budgetMs)} for ${waitingFor}${lastSeen ? `; last seen: ${excerpt(lastSeen, 300)}` : ''}`);
    this.waitingFor = waitingFor;
    this.budgetMs = budgetMs;
    this.probe = waitingFor;
    this.expected = `${waitingFor} within ${formatMs(budgetMs)}`;
    this.observed = lastSeen ? `last seen: ${excerpt(lastSeen, 300)}` : `nothing within ${formatMs(budgetMs)}`;
  }
}

export class AuthBypass extends FlowgateError {
  readonly category = 'auth bypass' as const;
  readonly findings: BypassFinding[];
  constructor(findings: BypassFinding[]) {
    const lines = findings.map((f) => `\n  ${f.route}${f.service ? ` (${f.service})` : ''} answered ${f.status} to ${f.tokenKind === 'cross-tenant' ? "another tenant's token (BOLA)" : `a ${f.tokenKind} token`}`).join('');
    super('AuthBypass', `expected 401 from every protected route for every bad token (403/404 for another tenant's), but ${findings.length} call${findings.length === 1 ? '' : 's'} got through:${lines}`);
    this.findings = findings;
    this.probe = 'protected routes with bad tokens';
    this.expected = "401 from every protected route for every bad token (403/404 for another tenant's)";
    this.observed = findings.map((f) => `${f.route} answered ${f.status} to a ${f.tokenKind} token`).join('; ');
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
  readonly category = 'auth probe error' as const;
  readonly findings: ProbeServerErrorFinding[];
  constructor(findings: ProbeServerErrorFinding[]) {
    const lines = findings.map((f) => `\n  ${f.route}${f.service ? ` (${f.service})` : ''} answered ${f.status} to a ${f.tokenKind} token`).join('');
    super('ProbeServerError', `expected a refusal (401, or 403/404 for another tenant) from every probed route, but ${findings.length} call${findings.length === 1 ? '' : 's'} answered with a server error:${lines}`);
    this.findings = findings;
    this.probe = 'protected routes with bad tokens';
    this.expected = 'a refusal (401, or 403/404 for another tenant) from every probed route';
    this.observed = findings.map((f) => `${f.route} answered ${f.status} to a ${f.tokenKind} token`).join('; ');
  }
}

export class ConfigError extends FlowgateError {
  readonly category = 'configuration' as const;
  readonly problems: string[];
  constructor(problems: string[], source = 'the target configuration') {
    const n = problems.length;
    super('ConfigError', `${n} problem${n === 1 ? '' : 's'} in ${source}:${problems.map((p) => `\n  - ${p}`).join('')}`);
    this.problems = problems;
    this.probe = source;
    this.expected = `a valid ${source.replace(/^the /, '')}`;
    this.observed = problems.join('; ');
  }
}

/** Class name → category, so text that merely mentions the class (a serialized error, a poll's inner error) can be classified. */
const BY_NAME: Record<string, Category> = {
  EventNotObserved: 'event not observed',
  ContractViolation: 'contract violation',
  UnexpectedResponse: 'unexpected response',
  DbStateMismatch: 'database state',
  RedisStateMismatch: 'database state',
  InfrastructureUnreachable: 'infrastructure unreachable',
  BudgetExceeded: 'budget exceeded',
  AuthBypass: 'auth bypass',
  ProbeServerError: 'auth probe error',
  ConfigError: 'configuration',
};

const INFRA = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|KafkaJSConnectionError|KafkaJSNumberOfRetriesExceeded|connect ECONNREFUSED|getaddrinfo)\b/;
// Bounded gaps (.{0,300}, not .*): an unbounded one rescans the rest of the line from every "expect.poll" in it.
const TIMEOUT = /Test timeout of \d+ms exceeded|Timeout \d+ms exceeded|timed out after \d+ms|\bTimeoutError\b|expect\.poll.{0,300}timed out|toPass.{0,300}timed out|Timed out \d+ms waiting for expect/i;

/**
 * Classifies any error (ours, Playwright's, a driver's) by its name and text.
 * Our own class names win even inside a wrapper (an expect.poll/toPass timeout quotes its last inner error),
 * because the inner error says why the wait never succeeded; a bare timeout is a budget exceeded.
 */
export function categoryOf(errorLike: { message?: string; name?: string; stack?: string } | undefined | null): Category {
  if (!errorLike) return 'unknown';
  if (errorLike.name && errorLike.name in BY_NAME) return BY_NAME[errorLike.name];
  const text = `${errorLike.name ?? ''}: ${errorLike.message ?? ''}\n${errorLike.stack ?? ''}`;
  const named = new RegExp(`\\b(${Object.keys(BY_NAME).join('|')})\\b`).exec(text);
  if (named) return BY_NAME[named[1]];
  if (INFRA.test(text)) return 'infrastructure unreachable';
  if (TIMEOUT.test(text)) return 'budget exceeded';
  if (/\bexpect\(|toBe|toEqual|toContain|toMatch|toHave/.test(text)) return 'assertion failed';
  return 'unknown';
}

/**
 * The structured failure of a step. The harness's own errors carry their fields; any other error (a Playwright expect,
 * a driver) is classified from its text, and an expect's matcher result gives what it expected and received.
 */
export function structuredFailure(step: string, err: unknown): StructuredFailure {
  const e = (err ?? {}) as { message?: string; name?: string; stack?: string; matcherResult?: { expected?: unknown; actual?: unknown; name?: string } };
  const error = firstLine(e.name && e.message && !e.message.startsWith(`${e.name}:`) ? `${e.name}: ${e.message}` : (e.message ?? String(err)));
  if (err instanceof FlowgateError) return { step, category: err.category, probe: err.probe, expected: err.expected, observed: err.observed, error, typed: true, errorName: err.name, details: err.details };
  const m = e.matcherResult;
  return {
    step,
    category: categoryOf(e),
    probe: m?.name ? `expect().${m.name}` : '(other code)',
    expected: m && 'expected' in m ? excerpt(m.expected, 300) : '(not stated by the error)',
    observed: m && 'actual' in m ? excerpt(m.actual, 300) : error,
    error,
    typed: false,
  };
}

/** A structured failure read back from its attachment; undefined when the body is not one. */
export function parseStructuredFailure(body: string | Buffer): StructuredFailure | undefined {
  try {
    const f = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : body);
    if (f && typeof f.step === 'string' && (CATEGORIES as readonly string[]).includes(f.category) && typeof f.expected === 'string' && typeof f.observed === 'string') return f as StructuredFailure;
  } catch {
    /* not ours */
  }
  return undefined;
}

/** The first line of an error's message, without ANSI colours (for tables and summaries). */
export function firstLine(message: string | undefined): string {
  return stripAnsi(message ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
