// npm run sweep's decisions, pure: which accounts are left from earlier runs (run-tagged, old enough), grouped by tenant, and what it prints per run id.
import { runIdOfEmail } from './ownership';

export interface FoundAccount {
  email: string;
  tenantId: string;
  createdAt: Date;
  runId: string;
}

/** The accounts the sweep may take: a harness address (its run id parsed from it) created before `cutoff`. */
export function sweepable(rows: Record<string, unknown>[], cutoff: Date): { accounts: FoundAccount[]; skipped: string[] } {
  const accounts: FoundAccount[] = [];
  const skipped: string[] = [];
  for (const r of rows) {
    const email = String(r.email ?? '').toLowerCase();
    const runId = runIdOfEmail(email);
    if (!runId) continue; // not the harness's: never touched, not even named
    const createdAt = r.created_at instanceof Date ? r.created_at : new Date(String(r.created_at ?? ''));
    if (Number.isNaN(createdAt.getTime())) {
      skipped.push(`${email}: no created_at, so its age is unknown; left alone`);
      continue;
    }
    if (createdAt.getTime() > cutoff.getTime()) continue;
    accounts.push({ email, tenantId: String(r.tenant_id ?? ''), createdAt, runId });
  }
  return { accounts, skipped };
}

/** Accounts by tenant (in first-seen order): each tenant is cleaned once, its ownership checked against every swept account. */
export function byTenant(accounts: FoundAccount[]): Map<string, FoundAccount[]> {
  const out = new Map<string, FoundAccount[]>();
  for (const a of accounts) out.set(a.tenantId, [...(out.get(a.tenantId) ?? []), a]);
  return out;
}

export interface RunSummary {
  accounts: number;
  removed: Map<string, number>;
  notes: string[];
}

/** One line per run id (what went, table by table), its notes below it. */
export function renderSweep(runs: Map<string, RunSummary>, dryRun: boolean): string[] {
  const lines: string[] = [];
  const verb = dryRun ? 'would remove' : 'removed';
  for (const [runId, s] of [...runs].sort(([a], [b]) => a.localeCompare(b))) {
    const total = [...s.removed.values()].reduce((a, b) => a + b, 0);
    const tables = [...s.removed].map(([t, n]) => `${t} ${n}`).join(', ');
    lines.push(`run ${runId}: ${s.accounts} account(s); ${verb} ${total} row(s)${tables ? `: ${tables}` : ''}`);
    for (const n of [...new Set(s.notes)]) lines.push(`  ${n}`);
  }
  return lines;
}
