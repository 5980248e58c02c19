// Errors about stored state: a PostgreSQL probe or a Redis key that does not hold what the flow should have left.
import { FlowgateError, plural } from './base';
import { excerpt } from './text';

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
  static readonly category = 'database state' as const;
  readonly got: unknown[];
  /** the probe's name, and how many rows it found (the rows themselves stay in the message, excerpted) */
  readonly details: { probe: string; rows: number };
  constructor(d: DbStateMismatchDetails) {
    const got = d.got.length === 0 ? 'no rows' : `${plural(d.got.length, 'row')}: ${excerpt(d.got)}`;
    super('DbStateMismatch', `probe ${d.probe}${d.params !== undefined ? ` (${excerpt(d.params, 200)})` : ''} expected ${d.expected}, got ${got}`);
    this.probe = d.probe;
    this.got = d.got;
    this.expected = d.expected;
    this.observed = got;
    this.details = { probe: d.probe, rows: d.got.length };
  }
}

export interface RedisStateMismatchDetails {
  key: string;
  expected: string;
  got: unknown;
}

export class RedisStateMismatch extends FlowgateError {
  static readonly category = 'database state' as const;
  readonly key: string;
  readonly details: { key: string; found: boolean };
  constructor(d: RedisStateMismatchDetails) {
    const got = d.got === null || d.got === undefined ? 'nothing' : excerpt(d.got, 200);
    super('RedisStateMismatch', `redis key ${d.key} expected ${d.expected}, got ${got}`);
    this.key = d.key;
    this.probe = `redis ${d.key}`;
    this.expected = d.expected;
    this.observed = got;
    this.details = { key: d.key, found: got !== 'nothing' };
  }
}
