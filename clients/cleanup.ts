// Cleanup by ownership: deletes only what a test (or the sweep) can prove it made, one bounded, time-limited transaction per database, and says what it refused.
import type { PoolClient } from 'pg';
import type { CleanupKey, CleanupSpec, CleanupDelete } from '../helpers/config/profile';
import { checkRowBound, refusedNote, RowBoundExceeded, tenantOwnership } from '../helpers/ownership';
import { firstLine } from '../helpers/errors';
import type { DbProbes } from './probes';

/** Each cleanup statement's limit: a delete that waits on a lock or scans a huge table gives up instead of hanging the run. */
export const CLEANUP_STATEMENT_TIMEOUT_MS = 5_000;

export { CLEANUP_ATTACHMENT } from '../helpers/ownership';

/** The ids a cleanup may delete from: the accounts' run-tagged addresses, their tenants (checked first) and what the test created. */
export type OwnedIds = { [K in CleanupKey]?: string[] };

export interface CleanupOutcome {
  /** rows deleted (or, in a dry run, that would be), per database and table */
  removed: { db: string; table: string; rows: number }[];
  /** `cleanup refused: …` / `cleanup failed: …`, for the verdict; empty when everything reachable went */
  notes: string[];
  /** the tenants whose ownership was proven */
  ownedTenants: string[];
}

export interface CleanupOptions {
  /** the accounts whose users a tenant may hold (the test's own, or the ones being swept) */
  ownAccounts: ReadonlySet<string>;
  /** run everything and roll back: what would be removed */
  dryRun?: boolean;
  timeoutMs?: number;
}

async function begin(probes: DbProbes, db: string, timeoutMs: number): Promise<PoolClient> {
  const client = await probes.connect(db);
  try {
    // One round trip; the values are the harness's own integers, never input.
    const ms = Math.max(1, Math.floor(timeoutMs));
    await client.query(`BEGIN; SET LOCAL statement_timeout = ${ms}; SET LOCAL lock_timeout = ${ms}; SET LOCAL idle_in_transaction_session_timeout = ${ms * 6}`);
    return client;
  } catch (err) {
    client.release(true);
    throw err;
  }
}

async function finish(client: PoolClient, commit: boolean): Promise<void> {
  try {
    await client.query(commit ? 'COMMIT' : 'ROLLBACK');
    client.release();
  } catch (err) {
    client.release(true);
    throw err;
  }
}

async function rollback(client: PoolClient): Promise<void> {
  await client.query('ROLLBACK').then(() => client.release(), () => client.release(true));
}

/** Runs one database's statements in order in the open transaction; throws RowBoundExceeded past a bound. */
async function runStatements(client: PoolClient, stmts: CleanupDelete[], values: (k: CleanupKey) => string[], removed: CleanupOutcome['removed']): Promise<void> {
  for (const s of stmts) {
    const ids = values(s.by);
    if (!ids.length) continue;
    const res = await client.query(s.sql, [ids]);
    const rows = res.rowCount ?? 0;
    checkRowBound(s.db, s.table, s.by, rows, s.max, ids.length);
    if (rows) removed.push({ db: s.db, table: s.table, rows });
  }
}

function failure(db: string, err: any): string {
  if (err instanceof RowBoundExceeded) return `cleanup refused: ${err.message}; its rows stay`;
  return `cleanup failed: ${db}: ${firstLine(String(err?.message ?? err))}; rolled back, its rows stay (npm run sweep removes them later)`;
}

/** One cleanup's inputs and what it gathers as it goes: the rows removed and the notes for the verdict, in the order they happen. */
interface CleanupRun {
  probes: DbProbes;
  spec: CleanupSpec;
  ids: OwnedIds;
  opts: CleanupOptions;
  timeoutMs: number;
  removed: CleanupOutcome['removed'];
  notes: string[];
}

/** The ids a statement keyed by `k` may delete: tenants only once proven owned. */
type Values = (k: CleanupKey) => string[];

const uniq = (xs: string[] | undefined) => [...new Set((xs ?? []).filter((x) => typeof x === 'string'))];

/** The open transaction of the users' database, when it is open, and the tenants proven owned in it. */
interface Anchor {
  client: PoolClient | undefined;
  owned: string[];
  /** the anchor was needed but could not be opened or checked: nothing keyed by tenant may go */
  broken: boolean;
}

/**
 * Deletes what `ids` reach, by the profile's statements. Tenant-keyed statements run only for tenants whose every user
 * is in `ownAccounts`, checked in the transaction of the database that holds the users; that transaction also deletes
 * the accounts themselves and commits last, and only when every other database's cleanup went through, so an account
 * whose rows could not all go stays for `npm run sweep` to find. Every other database runs its statements side by side
 * in one transaction each, rolled back whole when a statement would delete more rows than the ids can have made.
 */
export async function cleanupOwned(probes: DbProbes, spec: CleanupSpec, ids: OwnedIds, opts: CleanupOptions): Promise<CleanupOutcome> {
  const run: CleanupRun = { probes, spec, ids, opts, timeoutMs: opts.timeoutMs ?? CLEANUP_STATEMENT_TIMEOUT_MS, removed: [], notes: [] };
  // 1. Ownership, in the transaction of the users' database (kept open until the end).
  const anchor = await checkOwnership(run);
  const values: Values = (k) => (k === 'tenantId' ? anchor.owned : uniq(ids[k]));
  // 2. Every other database, side by side, one transaction each.
  const othersFailed = await cleanOtherDatabases(run, values, anchor.broken);
  // 3. The accounts themselves last, in the ownership check's transaction: only when nothing else was left behind.
  if (anchor.client) await cleanAnchor(run, anchor.client, values, othersFailed);
  return { removed: run.removed, notes: run.notes, ownedTenants: anchor.owned };
}

/** Opens the users' database's transaction when anything needs it, and proves which tenants hold only `ownAccounts`' users. */
async function checkOwnership({ probes, spec, ids, opts, timeoutMs, notes }: CleanupRun): Promise<Anchor> {
  const tenants = uniq(ids.tenantId);
  const anchorDb = spec.tenantUsers.db;
  let anchor: PoolClient | undefined;
  const owned: string[] = [];
  const needsAnchor = tenants.length > 0 || spec.delete.some((s) => s.db === anchorDb && s.by !== 'tenantId' && uniq(ids[s.by]).length > 0);
  if (needsAnchor) {
    try {
      anchor = await begin(probes, anchorDb, timeoutMs);
    } catch (err: any) {
      notes.push(`cleanup failed: ${anchorDb}: ${firstLine(String(err?.message ?? err))}; no tenant could be checked, nothing keyed by tenant or account was deleted (npm run sweep removes it later)`);
    }
  }
  if (anchor && tenants.length) {
    try {
      const asked = tenants.filter(Boolean);
      const rows = asked.length ? (await anchor.query(spec.tenantUsers.sql, [asked])).rows : [];
      if (rows.length && !('email' in rows[0] && 'tenant_id' in rows[0])) throw new Error(`cleanup.tenantUsers must return the columns tenant_id and email, returned ${Object.keys(rows[0]).join(', ')}`);
      for (const t of tenants) {
        const o = tenantOwnership(t, rows.filter((r) => String(r.tenant_id) === t), opts.ownAccounts);
        if (o.owned) owned.push(t);
        else notes.push(refusedNote(t, o.why));
      }
    } catch (err: any) {
      notes.push(`cleanup failed: ${anchorDb}: checking who the tenant(s) ${tenants.join(', ')} belong to: ${firstLine(String(err?.message ?? err))}; nothing keyed by tenant or account was deleted`);
      await rollback(anchor);
      anchor = undefined;
    }
  }
  return { client: anchor, owned, broken: needsAnchor && !anchor };
}

/** Runs every database other than the users' one side by side, one transaction each; says whether any of them failed. */
async function cleanOtherDatabases(run: CleanupRun, values: Values, anchorBroken: boolean): Promise<boolean> {
  const byDb = new Map<string, CleanupDelete[]>();
  for (const s of run.spec.delete) if (s.db !== run.spec.tenantUsers.db) byDb.set(s.db, [...(byDb.get(s.db) ?? []), s]);
  let othersFailed = false;
  await Promise.all(
    [...byDb].map(async ([db, stmts]) => {
      // Tenant-keyed rows wait for the check; without it, only what the test's own ids reach goes.
      const todo = stmts.filter((s) => values(s.by).length && !(s.by === 'tenantId' && anchorBroken));
      if (!todo.length) return;
      if (!run.probes.configured(db)) {
        run.notes.push(`cleanup skipped: ${db} is not configured, so its rows (${[...new Set(todo.map((s) => s.table))].join(', ')}) stay`);
        return;
      }
      if (!(await cleanDatabase(run, db, todo, values))) othersFailed = true;
    }),
  );
  return othersFailed;
}

/** One database's statements in one transaction, committed (rolled back in a dry run) or rolled back whole on failure; true when it went through. */
async function cleanDatabase({ probes, opts, timeoutMs, removed, notes }: CleanupRun, db: string, todo: CleanupDelete[], values: Values): Promise<boolean> {
  let client: PoolClient | undefined;
  const mine: CleanupOutcome['removed'] = [];
  try {
    client = await begin(probes, db, timeoutMs);
    await runStatements(client, todo, values, mine);
  } catch (err: any) {
    notes.push(failure(db, err));
    if (client) await rollback(client);
    return false;
  }
  try {
    await finish(client, !opts.dryRun);
    removed.push(...mine);
    return true;
  } catch (err: any) {
    notes.push(failure(db, err));
    return false;
  }
}

/** The users' database's own statements (the accounts) in the ownership check's transaction; kept whole when another database failed. */
async function cleanAnchor({ spec, ids, opts, removed, notes }: CleanupRun, anchor: PoolClient, values: Values, othersFailed: boolean): Promise<void> {
  const anchorDb = spec.tenantUsers.db;
  if (othersFailed) {
    await rollback(anchor);
    notes.push(`cleanup kept the account(s) ${uniq(ids.email).join(', ')} in ${anchorDb} so npm run sweep can find what was left`);
    return;
  }
  const mine: CleanupOutcome['removed'] = [];
  try {
    await runStatements(anchor, spec.delete.filter((s) => s.db === anchorDb), values, mine);
  } catch (err: any) {
    notes.push(failure(anchorDb, err));
    await rollback(anchor);
    return;
  }
  await finish(anchor, !opts.dryRun).then(
    () => void removed.push(...mine),
    (err) => void notes.push(failure(anchorDb, err)),
  );
}
