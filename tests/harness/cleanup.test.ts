// Cleanup on a shared target: a tenant staging shares with a real customer keeps every row of it ('shared-tenant'), and a run killed with SIGKILL is swept by npm run sweep without touching a real user.
import { expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAdmin } from '../../stack/services/common/kafka-client';
import { Pool } from 'pg';
import { kafkaClientConfig, parseTargetConfig, pgClientConfig } from '../../helpers/config/config';
import { SHARED_TENANT_ID } from '../../stack/faults';
import { test, runSmoke, setFaults, targetEnv, cleanup, processesInGroup, ROOT } from './harness';

type Query = (db: string, sql: string, args?: unknown[]) => Promise<Record<string, any>[]>;

function databases(env: Record<string, string>): { q: Query; end: () => Promise<void> } {
  const pools = new Map<string, Pool>();
  const q: Query = async (db, sql, args = []) => {
    if (!pools.has(db)) pools.set(db, new Pool({ ...pgClientConfig(env[db], { dbSslCaFile: env.DB_SSL_CA_FILE }), max: 2 }));
    return (await pools.get(db)!.query(sql, args)).rows;
  };
  return { q, end: async () => void (await Promise.all([...pools.values()].map((p) => p.end()))) };
}

interface Planted {
  db: string;
  table: string;
  /** the row's key column and value */
  key: string;
  id: string;
}

/** A real-looking customer in `tenantId`: a user who is no flowgate account, and a row in every table the cleanup deletes from. */
async function plantCustomer(q: Query, tenantId: string, tag: string): Promise<Planted[]> {
  const user = `usr_cust_${tag}`;
  const email = `dana.${tag}@customer.example`;
  const rows: [Planted, string, unknown[]][] = [
    [{ db: 'AUTH_DB_URL', table: 'users', key: 'id', id: user }, `INSERT INTO users (id, tenant_id, email, password_hash, first_name, last_name, status) VALUES ($1, $2, $3, 'scrypt$x$y', 'Dana', 'Customer', 'active')`, [user, tenantId, email]],
    [{ db: 'AUTH_DB_URL', table: 'email_verifications', key: 'token', id: `tok_${tag}` }, 'INSERT INTO email_verifications (token, user_id) VALUES ($1, $2)', [`tok_${tag}`, user]],
    [{ db: 'SUBSCRIPTION_DB_URL', table: 'tenants', key: 'id', id: tenantId }, `INSERT INTO tenants (id, owner_user_id, status, billing_status) VALUES ($1, $2, 'provisioned', 'paid')`, [tenantId, user]],
    [{ db: 'SUBSCRIPTION_DB_URL', table: 'subscriptions', key: 'tenant_id', id: tenantId }, `INSERT INTO subscriptions (id, tenant_id, user_id, plan_id, tier, status, assets_used, assets_limit) VALUES ($1, $2, $3, 'pro', 'pro', 'active', 1, 500)`, [`sub_${tag}`, tenantId, user]],
    [{ db: 'ASSETS_DB_URL', table: 'assets', key: 'id', id: `ast_${tag}` }, `INSERT INTO assets (id, tenant_id, name, type, value) VALUES ($1, $2, 'www', 'domain', 'customer.example')`, [`ast_${tag}`, tenantId]],
    [{ db: 'VERIFICATION_DB_URL', table: 'known_assets', key: 'asset_id', id: `ast_${tag}` }, `INSERT INTO known_assets (asset_id, tenant_id, value) VALUES ($1, $2, 'customer.example')`, [`ast_${tag}`, tenantId]],
    [{ db: 'VERIFICATION_DB_URL', table: 'proofs', key: 'id', id: `prf_${tag}` }, `INSERT INTO proofs (id, asset_id, tenant_id, method, status) VALUES ($1, $2, $3, 'dns-txt', 'verified')`, [`prf_${tag}`, `ast_${tag}`, tenantId]],
    [{ db: 'SCANS_DB_URL', table: 'scans', key: 'id', id: `scn_${tag}` }, `INSERT INTO scans (id, tenant_id, asset_id, target, engine, priority, status) VALUES ($1, $2, $3, 'customer.example', 'nuclei', 'normal', 'completed')`, [`scn_${tag}`, tenantId, `ast_${tag}`]],
    [{ db: 'SCANS_DB_URL', table: 'scan_findings', key: 'scan_id', id: `scn_${tag}` }, `INSERT INTO scan_findings (scan_id, finding_id, title, severity) VALUES ($1, 'f1', 'TLS 1.0', 'high')`, [`scn_${tag}`]],
    [{ db: 'VULNERABILITIES_DB_URL', table: 'vulnerabilities', key: 'id', id: `vul_${tag}` }, `INSERT INTO vulnerabilities (id, tenant_id, scan_id, finding_id, title, severity) VALUES ($1, $2, $3, 'f1', 'TLS 1.0', 'high')`, [`vul_${tag}`, tenantId, `scn_${tag}`]],
    [{ db: 'CHECKOUT_DB_URL', table: 'checkout_sessions', key: 'id', id: `cs_${tag}` }, `INSERT INTO checkout_sessions (id, tenant_id, user_id, plan_id, amount, currency, status) VALUES ($1, $2, $3, 'pro', 4900, 'eur', 'complete')`, [`cs_${tag}`, tenantId, user]],
    [{ db: 'PAYMENTS_DB_URL', table: 'payments', key: 'id', id: `pay_${tag}` }, `INSERT INTO payments (id, stripe_event_id, session_id, tenant_id, user_id, plan_id, amount, currency, status) VALUES ($1, $2, $3, $4, $5, 'pro', 4900, 'eur', 'succeeded')`, [`pay_${tag}`, `evt_${tag}`, `cs_${tag}`, tenantId, user]],
    [{ db: 'INVOICES_DB_URL', table: 'invoices', key: 'id', id: `inv_${tag}` }, `INSERT INTO invoices (id, number, tenant_id, payment_id, amount, currency, status) VALUES ($1, $2, $3, $4, 4900, 'eur', 'paid')`, [`inv_${tag}`, `INV-${tag}`, tenantId, `pay_${tag}`]],
    [{ db: 'EMAIL_DB_URL', table: 'sent_mail', key: 'recipient', id: email }, `INSERT INTO sent_mail (recipient, template, subject, body, user_id, tenant_id) VALUES ($1, 'welcome', 'Welcome', 'Hello Dana', $2, $3)`, [email, user, tenantId]],
  ];
  for (const [p, sql, args] of rows) await q(p.db, sql, args);
  return rows.map(([p]) => p);
}

/** The planted rows that are gone (none, when cleanup left the customer alone). */
async function missing(q: Query, planted: Planted[]): Promise<string[]> {
  const gone: string[] = [];
  for (const p of planted) if ((await q(p.db, `SELECT 1 FROM ${p.table} WHERE ${p.key} = $1`, [p.id])).length === 0) gone.push(`${p.table} ${p.id}`);
  return gone;
}

/** Rows reached from tenants, per table (the tenant-keyed tables of the reference profile). */
async function tenantRows(q: Query, tenants: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [db, table, col] of [
    ['SUBSCRIPTION_DB_URL', 'tenants', 'id'], ['SUBSCRIPTION_DB_URL', 'subscriptions', 'tenant_id'], ['ASSETS_DB_URL', 'assets', 'tenant_id'],
    ['VERIFICATION_DB_URL', 'known_assets', 'tenant_id'], ['VERIFICATION_DB_URL', 'proofs', 'tenant_id'], ['SCANS_DB_URL', 'scans', 'tenant_id'],
    ['VULNERABILITIES_DB_URL', 'vulnerabilities', 'tenant_id'], ['CHECKOUT_DB_URL', 'checkout_sessions', 'tenant_id'],
    ['PAYMENTS_DB_URL', 'payments', 'tenant_id'], ['INVOICES_DB_URL', 'invoices', 'tenant_id'],
  ])
    out[table] = Number((await q(db, `SELECT count(*) AS n FROM ${table} WHERE ${col} = ANY($1)`, [tenants]))[0].n);
  return out;
}

/**
 * Until the stack's services have consumed everything on their topics (twice in a row, nothing new produced in
 * between): a killed run's last requests still ripple through the services, and rows they make after the sweep
 * would not be the sweep's fault.
 */
async function servicesSettled(env: Record<string, string>, budgetMs = 60_000): Promise<void> {
  const conn = kafkaClientConfig(parseTargetConfig(env));
  const admin = createAdmin(conn, conn.clientId);
  try {
    const snapshot = async (): Promise<{ behind: string[]; ends: string }> => {
      const groups = (await admin.listGroups()).filter((g) => !g.startsWith('flowgate'));
      const behind: string[] = [];
      const ends: string[] = [];
      for (const groupId of groups) {
        const committed = await admin.committedOffsets(groupId);
        const highs = await admin.offsets([...new Set(committed.map((c) => c.topic))]);
        for (const p of committed) {
          const end = highs.get(p.topic)?.find((h) => h.partition === p.partition)?.high ?? 0n;
          ends.push(`${p.topic}/${p.partition}=${end}`);
          if (p.offset >= 0n && p.offset < end) behind.push(`${groupId} ${p.topic}/${p.partition} at ${p.offset} of ${end}`);
        }
      }
      return { behind, ends: ends.sort().join(',') };
    };
    let last: { behind: string[]; ends: string } = { behind: ['(not looked yet)'], ends: '' };
    await expect
      .poll(async () => {
        const now = await snapshot();
        const quiet = now.behind.length === 0 && last.behind.length === 0 && now.ends === last.ends;
        last = now;
        return quiet ? [] : now.behind.length ? now.behind : ['(caught up once; looking again)'];
      }, { timeout: budgetMs, intervals: [250], message: 'the stack\'s consumers to catch up with their topics' })
      .toEqual([]);
  } finally {
    await admin.close();
  }
}

function sweep(env: Record<string, string>, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', './scripts/code-cache.cjs', '--require', 'tsx/cjs', 'scripts/sweep.ts', ...args], {
      cwd: ROOT,
      env: { ...(process.env as Record<string, string>), ...env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

test.describe('cleanup on a shared target', () => {
  test.describe.configure({ timeout: 300_000 });

  test('a profile whose cleanup has a DELETE without WHERE stops the run at start-up: exit 2 naming the file and the statement, no flow run', async ({ stack }, testInfo) => {
    const profile = JSON.parse(readFileSync(join(ROOT, 'contracts', 'profiles', 'reference.json'), 'utf8'));
    profile.cleanup.delete.unshift({ db: 'SUBSCRIPTION_DB_URL', by: 'tenantId', sql: 'DELETE FROM subscriptions' });
    const file = testInfo.outputPath('staging-profile.json');
    writeFileSync(file, JSON.stringify(profile));
    const run = await runSmoke(targetEnv(stack), [], { env: { FLOWGATE_PROFILE: file } });
    try {
      expect(run.exitCode, `exit code (output:\n${run.output.slice(-2500)})`).toBe(2);
      expect(run.verdict?.couldNotEvaluate).toBe(true);
      const note = (run.verdict?.notes ?? []).find((n: string) => n.startsWith('preflight'));
      expect(note, 'the preflight note').toContain(`FLOWGATE_PROFILE (${file})`);
      expect(note).toContain('cleanup.delete[0] (SUBSCRIPTION_DB_URL) has no WHERE: it would delete every row of the table: DELETE FROM subscriptions');
      expect((run.verdict?.flows ?? []).filter((f: any) => f.status !== 'not-run').map((f: any) => f.name), 'no flow ran').toEqual([]);
    } finally {
      cleanup(run);
    }
  });

  test('a run on its own tenants leaves nothing of itself behind and no cleanup note (the ownership check proves them its own)', async ({ stack }) => {
    const env = targetEnv(stack);
    const { q, end } = databases(env);
    const runId = `cleanup-own-${randomBytes(3).toString('hex')}`;
    const run = await runSmoke(env, [], { env: { FLOWGATE_RUN_ID: runId } });
    try {
      expect(run.verdict, `a verdict (output:\n${run.output.slice(-2500)})`).toBeTruthy();
      expect((run.verdict.notes as string[]).filter((n) => n.startsWith('cleanup')), 'no cleanup note').toEqual([]);
      // the audit trail (append-only, left in place) names every account and tenant the run registered
      // what the services still do with the run's last events happens before the look (it would be a leftover too)
      await servicesSettled(env);
      const registered = await q('AUTH_DB_URL', `SELECT DISTINCT tenant_id FROM audit_log WHERE action = 'register' AND details->>'email' LIKE $1`, [`flowgate+${runId}-%`]);
      expect(registered.length, 'the run registered its accounts').toBeGreaterThan(3);
      expect(await q('AUTH_DB_URL', 'SELECT email FROM users WHERE email LIKE $1', [`flowgate+${runId}-%`])).toEqual([]);
      expect(await q('EMAIL_DB_URL', 'SELECT recipient FROM sent_mail WHERE recipient LIKE $1', [`flowgate+${runId}-%`])).toEqual([]);
      const left = await tenantRows(q, registered.map((r) => String(r.tenant_id)));
      expect(Object.entries(left).filter(([, n]) => n > 0), "nothing keyed by the run's tenants is left").toEqual([]);
    } finally {
      cleanup(run);
      await end();
    }
  });

  test("shared-tenant: staging answers every account with one shared tenant; the tenant's other rows stay and the verdict says cleanup refused", async ({ stack }) => {
    const env = targetEnv(stack);
    const { q, end } = databases(env);
    const runId = `cleanup-shared-${randomBytes(3).toString('hex')}`;
    const planted = await plantCustomer(q, SHARED_TENANT_ID, 'sharedten');
    await setFaults(stack.controlUrl, ['shared-tenant']);
    let run: Awaited<ReturnType<typeof runSmoke>> | undefined;
    try {
      run = await runSmoke(env, [], { env: { FLOWGATE_RUN_ID: runId } });
    } finally {
      await setFaults(stack.controlUrl, []);
    }
    try {
      expect(run.verdict, `a verdict (output:\n${run.output.slice(-2500)})`).toBeTruthy();
      // the run registered into the customer's tenant (else this proves nothing)
      expect((await q('AUTH_DB_URL', `SELECT count(*) AS n FROM audit_log WHERE action = 'register' AND tenant_id = $1 AND details->>'email' LIKE $2`, [SHARED_TENANT_ID, `flowgate+${runId}-%`]))[0].n).not.toBe('0');
      expect(await missing(q, planted), "the customer's rows are all still there").toEqual([]);
      const refused = (run.verdict.notes as string[]).filter((n) => n.startsWith(`cleanup refused: tenant "${SHARED_TENANT_ID}" was not deleted`));
      expect(refused, `a cleanup refused note (notes: ${JSON.stringify(run.verdict.notes).slice(0, 1500)})`).toHaveLength(1);
      expect(refused[0]).toContain('1 user(s) that are not flowgate accounts (d***@customer.example)');
      expect(readFileSync(join(run.reportsDir, 'go-no-go.md'), 'utf8')).toContain(`cleanup refused: tenant "${SHARED_TENANT_ID}"`);
      // what the run can prove its own still went: its accounts, and the assets it created (by their ids)
      expect(await q('AUTH_DB_URL', 'SELECT email FROM users WHERE email LIKE $1', [`flowgate+${runId}-%`])).toEqual([]);
      expect((await q('ASSETS_DB_URL', 'SELECT id FROM assets WHERE tenant_id = $1', [SHARED_TENANT_ID])).map((r) => r.id)).toEqual(['ast_sharedten']);
    } finally {
      cleanup(run);
      await end();
    }
  });

  test('a run killed with SIGKILL mid-flows leaves accounts; npm run sweep -- --older-than 0s removes them and all they reach, and leaves a real user alone', async ({ stack }) => {
    const env = targetEnv(stack);
    const { q, end } = databases(env);
    const hex = randomBytes(3).toString('hex');
    const runId = `cleanup-killed-${hex}`;
    const customerTenant = `ten_cust_${hex}`;
    const planted = await plantCustomer(q, customerTenant, `k${hex}`);
    // an account of the killed run that landed in the customer's tenant: the account is the run's, the tenant is not
    const stray = `flowgate+${runId}-9-0badc0de@flowgate.test`;
    await q('AUTH_DB_URL', `INSERT INTO users (id, tenant_id, email, password_hash, status) VALUES ($1, $2, $3, 'scrypt$x$y', 'active')`, [`usr_stray_${hex}`, customerTenant, stray]);
    try {
      let pgid = 0;
      // Killed once the flows have made something (a flow past its first step has its account, and usually more):
      // --verbose says each numbered step as it begins.
      const run = await runSmoke(env, ['--verbose'], {
        env: { FLOWGATE_RUN_ID: runId },
        onOutput: {
          match: /\[(scan|asset|payment)\] [3-9]\. /,
          run: async (group) => {
            pgid = group;
            process.kill(-group, 'SIGKILL');
          },
        },
      });
      cleanup(run);
      expect(run.output, 'the run was killed mid-flows').toMatch(/\[(scan|asset|payment)\] [3-9]\. /);
      expect(run.verdict, 'no verdict: the run never finished').toBeUndefined();
      // SIGKILL is delivered at once; the processes are gone once the kernel has reaped them
      await expect.poll(() => processesInGroup(pgid), { timeout: 10_000, message: 'the killed run left no process' }).toEqual([]);

      const left = await q('AUTH_DB_URL', 'SELECT email, tenant_id FROM users WHERE email LIKE $1 AND email <> $2', [`flowgate+${runId}-%`, stray]);
      expect(left.length, 'the killed run left accounts').toBeGreaterThan(0);
      const tenants = [...new Set(left.map((r) => String(r.tenant_id)))];
      await servicesSettled(env);
      const before = await tenantRows(q, tenants);
      expect(before.subscriptions + before.assets, `the killed run left rows in its tenants: ${JSON.stringify(before)}`).toBeGreaterThan(0);

      const dry = await sweep(env, ['--older-than', '0s', '--dry-run']);
      expect(dry.code, dry.out).toBe(0);
      expect(dry.out).toContain(`run ${runId}: `);
      expect(dry.out).toContain('would remove');
      expect(await tenantRows(q, tenants), 'a dry run deletes nothing').toEqual(before);

      const swept = await sweep(env, ['--older-than', '0s']);
      expect(swept.code, swept.out).toBe(0);
      expect(swept.out).toMatch(new RegExp(`run ${runId}: ${left.length + 1} account\\(s\\); removed \\d+ row\\(s\\): .*users ${left.length + 1}`));
      expect(swept.out).toContain(`cleanup refused: tenant "${customerTenant}" was not deleted: it also holds 1 user(s) that are not flowgate accounts (d***@customer.example)`);
      expect(swept.out, 'the customer is never named in full').not.toContain(`dana.k${hex}`);

      expect(await q('AUTH_DB_URL', 'SELECT email FROM users WHERE email LIKE $1', [`flowgate+${runId}-%`]), 'every account of the killed run, the stray included').toEqual([]);
      expect(await q('EMAIL_DB_URL', 'SELECT recipient FROM sent_mail WHERE recipient LIKE $1', [`flowgate+${runId}-%`])).toEqual([]);
      const after = await tenantRows(q, tenants);
      expect(Object.entries(after).filter(([, n]) => n > 0), `nothing reached from the killed run's tenants is left (before: ${JSON.stringify(before)})`).toEqual([]);
      expect(await missing(q, planted), "the customer's rows are all still there").toEqual([]);
    } finally {
      await end();
    }
  });
});
