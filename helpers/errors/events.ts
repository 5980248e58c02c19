// Errors about Kafka events and the frozen contracts: an event that never came, an event or response that breaks its contract.
import { describeCriteria } from '../match';
import { FlowgateError } from './base';
import { excerpt, formatMs } from './text';

/** What an error may say about another tenant's message: where it is and its key, never its payload. */
export interface EventRef {
  topic: string;
  partition?: number;
  offset?: string | number;
  key?: string | null;
}

const describeRef = (e: EventRef) =>
  `${e.topic}${e.key !== undefined && e.key !== null ? ` key ${excerpt(e.key, 80)}` : ''}${e.partition !== undefined ? ` (partition ${e.partition}${e.offset !== undefined ? `, offset ${e.offset}` : ''})` : ''}`;

/** Only where a message is and its key, even when a caller hands more: the payload may be another tenant's. */
const refOnly = (e: EventRef): EventRef => ({ topic: e.topic, ...(e.partition !== undefined ? { partition: e.partition } : {}), ...(e.offset !== undefined ? { offset: e.offset } : {}), ...(e.key !== undefined ? { key: e.key } : {}) });

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
  static readonly category = 'event not observed' as const;
  readonly topic: string;
  readonly match: string;
  readonly budgetMs: number;
  readonly sawCount: number;
  readonly sample: EventRef[];
  readonly dropped?: string;
  readonly details: { topic: string; match: string; budgetMs: number; sawCount: number };
  constructor(d: EventNotObservedDetails) {
    const match = typeof d.match === 'string' ? d.match : describeCriteria(d.match as any);
    const sample = (d.sample ?? []).slice(0, 3).map(refOnly);
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
    this.details = { topic: d.topic, match, budgetMs: d.budgetMs, sawCount: d.sawCount };
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

/** What broke a contract: an event on a topic (asyncapi.yaml) or an HTTP response (openapi.yaml). */
export type ContractSource = 'event' | 'response';

export class ContractViolation extends FlowgateError {
  static readonly category = 'contract violation' as const;
  readonly source: ContractSource;
  readonly problems: string[];
  readonly topic?: string;
  readonly operationId?: string;
  /** the HTTP status of a response that broke the contract */
  readonly status?: number;
  readonly details: { source: ContractSource; topic?: string; partition?: number; offset?: string; operationId?: string; status?: number; problems: readonly string[] };
  constructor(d: ContractViolationDetails) {
    const source: ContractSource = d.topic !== undefined ? 'event' : 'response';
    super('ContractViolation', `${ContractViolation.where(d)} breaks the frozen contract: ${d.problems.join('; ')}${ContractViolation.quoted(d)}`);
    this.source = source;
    this.problems = d.problems;
    this.topic = d.topic;
    this.operationId = d.operationId;
    this.status = d.status;
    this.probe = d.topic ?? d.operationId ?? '(unknown operation)';
    this.expected = source === 'event' ? 'an event that fits asyncapi.yaml' : `a response that fits openapi.yaml${d.status !== undefined ? ` for status ${d.status}` : ''}`;
    this.observed = d.problems.join('; ');
    const problems = d.problems.slice(0, 20).map((p) => excerpt(p, 300));
    this.details = source === 'event'
      ? { source, topic: d.topic, partition: d.partition, offset: d.offset === undefined ? undefined : String(d.offset), problems }
      : { source, operationId: d.operationId, status: d.status, problems };
  }

  private static where(d: ContractViolationDetails): string {
    if (d.topic === undefined) return `response of ${d.operationId ?? '(unknown operation)'}${d.status !== undefined ? ` with status ${d.status}` : ''}`;
    const pos = [d.partition !== undefined ? `partition ${d.partition}` : '', d.offset !== undefined ? `offset ${d.offset}` : ''].filter(Boolean).join(', ');
    return `event on ${d.topic}${pos ? ` (${pos})` : ''}`;
  }

  private static quoted(d: ContractViolationDetails): string {
    return d.topic !== undefined ? `\n  headers: ${excerpt(d.headers ?? {}, 200)}\n  value: ${excerpt(d.value)}` : `\n  body: ${excerpt(d.body)}`;
  }
}
