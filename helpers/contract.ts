// Checks one observed Kafka event or HTTP response against the frozen contract (compliance matrix §6), throwing a typed error that quotes it.
import type { Contracts } from '../contracts';
import { ContractViolation, UnexpectedResponse } from './errors';

/** The part of the contract loader the checks need (contracts() satisfies it). */
export type ContractSource = Pick<Contracts, 'validatePayload' | 'validateHeaders' | 'validateResponse' | 'topicFor'> &
  Partial<Pick<Contracts, 'schemaVersionHeader' | 'schemaVersion' | 'route' | 'familyOf'>>;

export interface ObservedMessage {
  topic: string;
  partition?: number;
  offset?: string | number;
  headers: Record<string, Buffer | string | undefined | null | (Buffer | string)[]>;
  value: Buffer | string | null | undefined;
}

function headerText(v: Buffer | string | undefined | null | (Buffer | string)[]): string | undefined {
  if (v === undefined || v === null) return undefined;
  // a header may repeat (some clients give an array); the contract wants one value, so the last one counts
  // and a repeated header with a different value is reported by validateHeaders as a mismatch of that value.
  if (Array.isArray(v)) return v.length ? headerText(v[v.length - 1]) : undefined;
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

/**
 * The event's JSON payload, or a ContractViolation naming every problem at once: unknown topic, the
 * `schema-version` header not exactly "1.0", a value that is missing or not JSON, a payload that breaks the
 * topic's schema. Unknown payload fields are fine: the frozen schemas leave them open (consumer tolerance).
 */
export function checkEvent(c: ContractSource, msg: ObservedMessage): { payload: any; headers: Record<string, string | undefined> } {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(msg.headers ?? {})) headers[k] = headerText(v);
  const raw = msg.value === null || msg.value === undefined ? undefined : Buffer.isBuffer(msg.value) ? msg.value.toString('utf8') : msg.value;
  const problems: string[] = [];
  const fail = () =>
    new ContractViolation({ topic: msg.topic, partition: msg.partition, offset: msg.offset, headers, value: raw ?? null, problems });

  // A topic of a family compliance matrix §6 freezes whole is held to the family's envelope even before a channel names it.
  if (!c.topicFor(msg.topic) && !c.familyOf?.(msg.topic)) {
    problems.push(`topic ${msg.topic} is not in the frozen contract`);
    throw fail();
  }
  const versionHeader = c.schemaVersionHeader ?? 'schema-version';
  const version = c.schemaVersion ?? '1.0';
  const got = headers[versionHeader];
  // Checked here as well as by the header schema so the message says plainly what came.
  if (got === undefined) problems.push(`header ${versionHeader} is missing (expected "${version}")`);
  else if (got !== version) problems.push(`header ${versionHeader} is ${JSON.stringify(got)} (expected "${version}")`);
  else {
    const h = c.validateHeaders(msg.topic, headers);
    if (!h.ok) problems.push(...h.errors.map((e) => `headers ${e}`));
  }

  let payload: any;
  if (raw === undefined) problems.push('the value is empty (null), expected a JSON payload');
  else {
    try {
      payload = JSON.parse(raw);
    } catch (err: any) {
      problems.push(`the value is not JSON (${err.message})`);
    }
  }
  if (payload !== undefined) {
    const p = c.validatePayload(msg.topic, payload);
    if (!p.ok) problems.push(...p.errors.map((e) => `payload ${e}`));
  }
  if (problems.length) throw fail();
  return { payload, headers };
}

export interface ResponseExpectation {
  /** statuses the step expects; default: the 2xx statuses the contract documents for the operation */
  status?: number | number[];
  /** for the message; default: the contract's method and path */
  method?: string;
  path?: string;
  traceId?: string;
  /** the response's content-type header; a status whose contract has a JSON schema must answer JSON */
  contentType?: string;
}

/**
 * A response against its operation's contract: a status other than the expected ones is an UnexpectedResponse
 * (the product did something else); an expected status that the contract does not document, or a body that
 * breaks the status's schema, is a ContractViolation.
 */
export function checkResponse(c: ContractSource, operationId: string, status: number, body: unknown, expect: ResponseExpectation = {}): { body: unknown } {
  const route = c.route?.(operationId);
  const method = expect.method ?? route?.method ?? '?';
  const path = expect.path ?? route?.path ?? operationId;
  let expected: number[];
  if (expect.status !== undefined) expected = Array.isArray(expect.status) ? expect.status : [expect.status];
  else expected = Object.keys(route?.responses ?? {}).map(Number).filter((s) => s >= 200 && s < 300);
  if (expected.length === 0) expected = [200];
  if (!expected.includes(status)) throw new UnexpectedResponse({ method, path, expected, got: status, body, traceId: expect.traceId });
  const v = c.validateResponse(operationId, status, body);
  // The status is the one the step wanted; if the contract does not document it or the body breaks its schema,
  // the two sides disagree about the interface, which is a contract violation rather than a wrong answer.
  const problems = v.ok ? [] : [...v.errors];
  const wantsJson = route?.responses?.[String(status)] !== undefined;
  if (wantsJson && expect.contentType !== undefined && !/^application\/(.+\+)?json\b/i.test(expect.contentType.trim()))
    problems.unshift(`content-type is ${JSON.stringify(expect.contentType)}, the contract documents application/json`);
  if (problems.length) throw new ContractViolation({ operationId, status, body, problems });
  return { body };
}
