// What a run may delete on a shared target: its accounts by their run-tagged address, a tenant only when every user of it is one of its own, and never more rows than it made.
import type { CleanupKey } from './config/profile';

/** The attachment a test's cleanup notes travel in (JSON `{ notes: string[] }`); the verdict reporter reads it. */
export const CLEANUP_ATTACHMENT = 'flowgate-cleanup';

/** The notes of a cleanup attachment's body; malformed bodies give none. */
export function parseCleanupNotes(body: string | Buffer): string[] {
  try {
    const notes = JSON.parse(String(body)).notes;
    return Array.isArray(notes) ? notes.filter((n): n is string => typeof n === 'string').map((n) => n.slice(0, 2000)) : [];
  } catch {
    return [];
  }
}

export const EMAIL_PREFIX = 'flowgate+';
export const EMAIL_DOMAIN = '@flowgate.test';

/** The run id a harness account's address carries, or undefined when it is not one the harness makes. */
export function runIdOfEmail(email: string): string | undefined {
  // Split by hand (linear): flowgate+<run-id>-<worker|control>-<hex8>[-other<hex6>]@flowgate.test, the run id may hold '-'.
  if (typeof email !== 'string' || email.length > 200 || !email.startsWith(EMAIL_PREFIX) || !email.endsWith(EMAIL_DOMAIN)) return undefined;
  const parts = email.slice(EMAIL_PREFIX.length, -EMAIL_DOMAIN.length).split('-');
  if (/^other[0-9a-f]{6}$/.test(parts.at(-1) ?? '')) parts.pop();
  const hex = parts.pop();
  const slot = parts.pop();
  if (!hex || !/^[0-9a-f]{8}$/.test(hex) || !slot || !/^(\d{1,4}|control)$/.test(slot)) return undefined;
  const runId = parts.join('-');
  return /^[A-Za-z0-9._-]{1,64}$/.test(runId) ? runId : undefined;
}

export type Ownership = { owned: true } | { owned: false; why: string };

/**
 * Whether a tenant is this cleanup's to delete: it has users, and every one of them is one of `own` (the test's own
 * accounts, or the accounts being swept), each a harness address. An empty tenant id or a tenant with no known user
 * proves nothing.
 */
export function tenantOwnership(tenantId: string, members: { email?: unknown }[], own: ReadonlySet<string>): Ownership {
  if (!tenantId) return { owned: false, why: 'the target answered an empty tenant id' };
  if (members.length === 0) return { owned: false, why: 'no user of it was found, so nothing proves it is this run\'s' };
  const emails = members.map((m) => String(m.email ?? '').toLowerCase());
  const people = [...new Set(emails.filter((e) => runIdOfEmail(e) === undefined))];
  const others = [...new Set(emails.filter((e) => runIdOfEmail(e) !== undefined && !own.has(e)))];
  if (!people.length && !others.length) return { owned: true };
  const list = (xs: string[]) => `${xs.slice(0, 3).join(', ')}${xs.length > 3 ? ', …' : ''}`;
  // Named the same way by every test that meets the tenant, so the verdict says it once.
  if (people.length) return { owned: false, why: `it also holds ${people.length} user(s) that are not flowgate accounts (${list(people.map(maskEmail))})` };
  return { owned: false, why: `it also holds ${others.length} flowgate account(s) that are not this cleanup's (${list(others)})` };
}

/** Another user's address, shown enough to find it, not to copy it: d***@customer.example. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at, at + 80)}`;
}

/** The most rows a statement may delete: `max` per id it is reached from. */
export function rowBound(maxPerId: number, ids: number): number {
  return maxPerId * ids;
}

export class RowBoundExceeded extends Error {
  constructor(readonly db: string, readonly table: string, readonly by: CleanupKey, readonly rows: number, readonly bound: number) {
    super(`${db}: DELETE FROM ${table} by ${by} would delete ${rows} row(s), more than the ${bound} this cleanup can have made; rolled back`);
    this.name = 'RowBoundExceeded';
  }
}

/** Throws RowBoundExceeded when a statement touched more rows than its bound (the caller rolls back). */
export function checkRowBound(db: string, table: string, by: CleanupKey, rows: number, maxPerId: number, ids: number): void {
  const bound = rowBound(maxPerId, ids);
  if (rows > bound) throw new RowBoundExceeded(db, table, by, rows, bound);
}

/** The verdict note of a cleanup that left rows in place: always starts with `cleanup refused` or `cleanup failed`. */
export function refusedNote(tenantId: string, why: string): string {
  return `cleanup refused: tenant ${JSON.stringify(tenantId)} was not deleted: ${why}; its rows stay`;
}

/** `90s`, `15m`, `3h`, `2d`, `0s` → milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,6})(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
}
