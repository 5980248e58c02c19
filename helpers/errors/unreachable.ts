// isUnreachable(): the one answer to "is this a connection failure?" for our typed errors, Node and driver errors, and their text.
import { FlowgateError } from './base';

/** Socket and DNS codes that mean no connection was made: nothing listens there, no route, no such host. */
const NEVER_CONNECTED_CODES = ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN'];

/**
 * Codes that mean a connection was lost or could not be used: reset, timed out, broken pipe, and PostgreSQL's
 * admin shutdown (57P01), cannot connect now (57P03) and connection exceptions (08006, 08001, 08003).
 */
const LOST_CODES = ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', '57P01', '57P03', '08006', '08001', '08003'];

/**
 * Driver error names that mean the same: kafkajs' connection error and its retries running out on one (a failure
 * serialized by a run on that client). @platformatic/kafka names none: its NetworkError wraps every connection
 * failure, a refused SASL login or TLS handshake too, so it answers by its cause (the socket's code) or its text.
 */
const DRIVER_NAMES = ['KafkaJSConnectionError', 'KafkaJSNumberOfRetriesExceeded'];

/**
 * The fallback for an error that lost its code (serialized by Playwright, quoted by a poll): the codes above as
 * words, and the connection messages of the drivers the harness uses (our own `connect timeout`, the Kafka client's
 * "Connection to host:port timed out.", pg's
 * "Connection terminated", "timeout expired" (its connect timeout) and "timeout exceeded when trying to connect", ioredis' "Connection is closed" and
 * "Stream isn't writeable" with the offline queue off). A plain "timeout" is not one: that is a budget.
 */
const NEVER_CONNECTED_TEXT = new RegExp(`\\b(${NEVER_CONNECTED_CODES.join('|')})\\b|\\bgetaddrinfo\\b|\\bconnect timeout\\b|\\bConnection to \\S+ timed out\\b`, 'i');
const LOST_TEXT = new RegExp(`\\b(${[...LOST_CODES.filter((c) => c.startsWith('E')), ...DRIVER_NAMES].join('|')})\\b|Connection terminated|timeout expired|timeout exceeded when trying to connect|Connection is closed|Stream isn't writeable`, 'i');

/** Both fallbacks as one pattern, for matchers that take a regex (the Allure categories). */
export const UNREACHABLE_TEXT = new RegExp(`${NEVER_CONNECTED_TEXT.source}|${LOST_TEXT.source}`, 'i');

export interface UnreachableOptions {
  /** only failures before a connection was made (refused, no route, no such host, no connect in time), not a reset or a broken one */
  neverConnected?: boolean;
}

/** How deep causes (err.cause, an AggregateError's errors) are followed. */
const MAX_DEPTH = 3;

/**
 * True when `err` means a part could not be reached. A FlowgateError answers by its class's `unreachable` flag; a
 * serialized failure by its `unreachable` field; a Node or driver error by its code or name, then its causes; text
 * (a string, or an error without a code) by the fallback above, on the first 4 KB only.
 */
export function isUnreachable(err: unknown, opts: UnreachableOptions = {}, depth = 0): boolean {
  if (err === undefined || err === null || depth > MAX_DEPTH) return false;
  if (err instanceof FlowgateError) return err.unreachable;
  if (typeof err === 'string') return textSaysUnreachable(err, opts);
  if (typeof err !== 'object') return false;
  const e = err as { unreachable?: unknown; code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.unreachable === 'boolean') return e.unreachable;
  const code = typeof e.code === 'string' ? e.code : '';
  if (NEVER_CONNECTED_CODES.includes(code)) return true;
  if (!opts.neverConnected && (LOST_CODES.includes(code) || DRIVER_NAMES.includes(String(e.name)))) return true;
  if (isUnreachable(e.cause, opts, depth + 1)) return true;
  if (Array.isArray(e.errors) && e.errors.slice(0, 5).some((x) => isUnreachable(x, opts, depth + 1))) return true;
  return textSaysUnreachable(`${typeof e.name === 'string' ? e.name : ''}: ${typeof e.message === 'string' ? e.message : ''}`, opts);
}

function textSaysUnreachable(text: string, opts: UnreachableOptions): boolean {
  const head = text.slice(0, 4_096);
  return NEVER_CONNECTED_TEXT.test(head) || (!opts.neverConnected && LOST_TEXT.test(head));
}
