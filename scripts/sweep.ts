// npm run sweep: removes what earlier runs left on the target (the accounts of killed runs and everything the profile's cleanup reaches from them), with cleanup's ownership rules; prints it per run id.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { scriptArgs } from './args';
import { EXIT } from './exit-codes';
import { DB_VARS, DEFAULTS, loadEnvFile, OPTIONAL_DBS, pemProblem, pgClientConfig } from '../helpers/config/config';
import { ConfigError, firstLine, withoutCredentials } from '../helpers/errors';
import { parseDuration } from '../helpers/ownership';
import { byTenant, renderSweep, sweepable, type RunSummary } from '../helpers/sweep';
import { DbProbes, loadProfile } from '../clients/probes';
import { cleanupOwned, CLEANUP_STATEMENT_TIMEOUT_MS } from '../clients/cleanup';
import { clearTextProblems, productionProblems } from '../helpers/config/target-safety';

const DEFAULT_OLDER_THAN = '3h';

const { values } = scriptArgs({
  usage: `usage: npm run sweep [-- --older-than DURATION] [--dry-run]
  Finds what earlier runs left on the target (a killed run, a CI timeout): every account whose address carries a
  run's tag (flowgate+<run-id>-…@flowgate.test) and everything the profile's cleanup statements reach from it, and
  deletes it with the rules of a test's own cleanup: a tenant only when every user of it is one of the accounts
  being swept, each database in one transaction, each statement bounded in rows and time. A real user is never
  touched; a tenant it shares is left in place and named. Prints what it removed, per run id.
  --older-than DURATION  only accounts created at least this long ago (default ${DEFAULT_OLDER_THAN}, so a run in progress
                         is never swept; 90s, 15m, 3h, 2d; 0s sweeps everything)
  --dry-run              runs every delete in a transaction it rolls back: lists what would go, deletes nothing
  --plaintext            lets a *_DB_URL without sslmode=verify-full/verify-ca through, on purpose (its password may
                         travel in clear); a production target is refused whatever the flags
  The target is the environment or .env, as for npm run smoke (FLOWGATE_ENV_FILE names another file): the *_DB_URL
  variables the profile's cleanup uses (FLOWGATE_PROFILE, default ${DEFAULTS.profile}), DB_SSL_CA_FILE.
  Exit 0 when everything found went (or was refused by the ownership rules, named), 1 when a delete failed or went
  over its bound (rolled back, named), 2 on configuration (no target, a malformed variable, a refused profile).`,
  options: { 'older-than': { type: 'string' }, 'dry-run': { type: 'boolean' }, plaintext: { type: 'boolean' } },
});
const olderThan = String(values['older-than'] ?? DEFAULT_OLDER_THAN);
const ageMs = parseDuration(olderThan) ?? -1;
if (ageMs < 0) {
  console.error(`flowgate sweep: --older-than must be a duration such as 90s, 15m, 3h or 2d (0s sweeps everything), got ${JSON.stringify(olderThan.slice(0, 40))} (exit ${EXIT.USAGE})`);
  process.exit(EXIT.USAGE);
}

function fail(err: unknown): never {
  const text = err instanceof ConfigError ? err.message : `${(err as any)?.name ?? 'Error'}: ${firstLine(String((err as any)?.message ?? err))}`;
  console.error(`flowgate sweep: ${text}\ncould not sweep (exit 2).`);
  process.exit(2);
}

async function main(): Promise<number> {
  const dryRun = values['dry-run'] === true;

  loadEnvFile();
  const env = process.env;
  const get = (k: string) => (env[k] ?? '').trim() || undefined;
  const profilePath = get('FLOWGATE_PROFILE') ? resolve(get('FLOWGATE_PROFILE')!) : resolve(__dirname, '..', DEFAULTS.profile);
  if (!existsSync(profilePath)) throw new ConfigError([`FLOWGATE_PROFILE names a file that does not exist: ${profilePath}`]);
  const profile = await loadProfile(profilePath);
  const spec = profile.cleanup;

  // Only the databases the cleanup touches: the sweep needs no gateway, broker or test hook.
  const used = [...new Set([spec.tenantUsers.db, spec.accounts.db, ...spec.delete.map((d) => d.db)])];
  const optional = new Set<string>(OPTIONAL_DBS.map((k) => DB_VARS[k]));
  const problems: string[] = [];
  const missing = used.filter((k) => !get(k) && !optional.has(k));
  if (missing.length === used.filter((k) => !optional.has(k)).length)
    problems.push(`no target is configured: npm run sweep cleans a shared target (staging), never the throwaway embedded stack; set ${missing.join(', ')} (see .env.example)`);
  else for (const k of missing) problems.push(`${k} is required: the profile's cleanup deletes from it`);
  for (const k of used) {
    const v = get(k);
    if (v && !/^postgres(ql)?:\/\/[^/]/.test(v)) problems.push(`${k} must be a postgres:// or postgresql:// URL, got ${JSON.stringify(withoutCredentials(v).slice(0, 120))}`);
  }
  const caFile = get('DB_SSL_CA_FILE') ? resolve(get('DB_SSL_CA_FILE')!) : undefined;
  if (caFile && !existsSync(caFile)) problems.push(`DB_SSL_CA_FILE names a file that does not exist: ${get('DB_SSL_CA_FILE')}`);
  else if (caFile && pemProblem(readFileSync(caFile))) problems.push(`DB_SSL_CA_FILE must name a PEM file of CA certificates, but ${get('DB_SSL_CA_FILE')} ${pemProblem(readFileSync(caFile))}`);
  // As npm run smoke: never production (the sweep deletes), and no database password to a server that is not verified.
  problems.push(...productionProblems(env));
  if (values.plaintext !== true) problems.push(...clearTextProblems(env).filter((p) => used.some((k) => p.startsWith(`${k} `))));
  if (problems.length) throw new ConfigError(problems);

  const probes = new DbProbes(profile, (k) => (get(k) ? pgClientConfig(get(k)!, { dbSslCaFile: caFile }) : undefined));
  try {
    const cutoff = new Date(Date.now() - ageMs);
    // The list, read-only and time-limited like every cleanup statement.
    const client = await probes.connect(spec.accounts.db);
    let rows: Record<string, unknown>[];
    try {
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${CLEANUP_STATEMENT_TIMEOUT_MS * 2}`);
      rows = (await client.query(spec.accounts.sql)).rows;
      await client.query('COMMIT');
      client.release();
    } catch (err) {
      client.release(true);
      throw err;
    }
    if (rows.length && !['email', 'tenant_id', 'created_at'].every((c) => c in rows[0]))
      throw new ConfigError([`cleanup.accounts must return the columns email, tenant_id and created_at, returned ${Object.keys(rows[0]).join(', ')}`], `FLOWGATE_PROFILE (${profile.file})`);
    const { accounts, skipped } = sweepable(rows, cutoff);
    for (const s of skipped) console.log(`flowgate sweep: ${s}`);
    console.log(`flowgate sweep: ${accounts.length} account(s) of ${new Set(accounts.map((a) => a.runId)).size} earlier run(s) created before ${cutoff.toISOString()} (--older-than ${olderThan})${dryRun ? '; dry run: nothing is deleted' : ''}`);

    const own = new Set(accounts.map((a) => a.email));
    const runs = new Map<string, RunSummary>();
    let failed = false;
    for (const [tenantId, members] of byTenant(accounts)) {
      const out = await cleanupOwned(probes, spec, { email: members.map((m) => m.email), tenantId: [tenantId] }, { ownAccounts: own, dryRun });
      if (out.notes.some((n) => n.startsWith('cleanup failed') || /more than the \d+ this cleanup/.test(n))) failed = true;
      // Rows are counted under the run of the tenant's first account (a tenant of one run, in practice).
      for (const m of members) {
        const s = runs.get(m.runId) ?? { accounts: 0, removed: new Map(), notes: [] };
        s.accounts++;
        runs.set(m.runId, s);
      }
      const s = runs.get(members[0].runId)!;
      for (const r of out.removed) s.removed.set(r.table, (s.removed.get(r.table) ?? 0) + r.rows);
      s.notes.push(...out.notes);
    }
    for (const line of renderSweep(runs, dryRun)) console.log(line);
    if (!accounts.length) console.log('flowgate sweep: nothing to sweep');
    return failed ? 1 : 0;
  } finally {
    await probes.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => fail(err),
);
