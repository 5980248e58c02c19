// Unit tests of the profile's checks: its schema, and cleanup statements accepted or refused on PostgreSQL's own parse (no WHERE, UPDATE, an unbound WHERE, two statements, comment tricks, functions, CTEs, USING).
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCleanupDelete, checkCleanupSelect, loadSqlParser, profileShapeProblems, validateProfile } from './profile';
import { ConfigError } from '../errors';

test.beforeAll(async () => loadSqlParser());

const REFERENCE = join(__dirname, '..', '..', 'contracts', 'profiles', 'reference.json');
const reference = () => JSON.parse(readFileSync(REFERENCE, 'utf8'));

test('the reference profile passes, every statement with the table it deletes from', async () => {
  const spec = await validateProfile(reference(), REFERENCE);
  expect(spec.delete.length).toBeGreaterThan(10);
  expect(spec.delete.find((d) => d.sql.startsWith('DELETE FROM users'))).toMatchObject({ db: 'AUTH_DB_URL', by: 'email', max: 1, table: 'users' });
  // tenant-keyed rows are there, so the harness has something to gate behind its ownership check
  expect(spec.delete.filter((d) => d.by === 'tenantId').map((d) => d.table)).toEqual(expect.arrayContaining(['subscriptions', 'tenants', 'assets', 'invoices', 'payments']));
});

test.describe('accepted deletes', () => {
  for (const [sql, table] of [
    ['DELETE FROM assets WHERE id = ANY($1)', 'assets'],
    ['DELETE FROM assets WHERE id = ANY($1::text[])', 'assets'],
    ['delete from public.assets a where a.tenant_id = any($1) and a.kind <> \'pinned\'', 'public.assets'],
    ['DELETE FROM email_verifications WHERE user_id IN (SELECT id FROM users WHERE email = ANY($1))', 'email_verifications'],
    ['DELETE FROM assets WHERE id = ANY($1) RETURNING id', 'assets'],
    ['DELETE FROM assets WHERE id = ANY($1) -- a trailing comment', 'assets'],
  ] as const) {
    test(sql, () => expect(checkCleanupDelete(sql)).toEqual({ table }));
  }
});

test.describe('refused deletes', () => {
  for (const [sql, says] of [
    ['DELETE FROM assets', /no WHERE/],
    ['DELETE FROM assets -- WHERE id = ANY($1)', /no WHERE/],
    ['DELETE FROM assets /* WHERE id = ANY($1) */', /no WHERE/],
    ['UPDATE assets SET name = $1 WHERE id = ANY($1)', /must be a DELETE, found UPDATE/],
    ['TRUNCATE assets', /must be a DELETE, found TRUNCATE/],
    ['SELECT 1', /must be a DELETE, found SELECT/],
    ['DELETE FROM assets WHERE tenant_id = tenant_id', /does not use \$1/],
    ['DELETE FROM assets WHERE name <> ANY($1)', /does not bind/],
    ['DELETE FROM assets WHERE id = ANY($1) OR true', /does not bind/],
    ['DELETE FROM assets WHERE NOT (id = ANY($1))', /does not bind/],
    ['DELETE FROM assets WHERE other.id = ANY($1)', /does not bind/],
    ['DELETE FROM assets WHERE id = $1', /does not bind/],
    ['DELETE FROM assets WHERE id IN (SELECT id FROM assets)  AND $1 IS NOT NULL', /does not bind/],
    ['DELETE FROM assets WHERE id IN (SELECT asset_id FROM scans WHERE true) AND $1::text[] IS NOT NULL', /does not bind/],
    ['DELETE FROM assets WHERE id = ANY($1) AND owner = $2', /only \$1/],
    ['DELETE FROM assets WHERE id = ANY($1); DELETE FROM tenants', /one statement, found 2/],
    ['DELETE FROM assets WHERE id = ANY($1) /* ; */ ; DELETE FROM tenants WHERE id = ANY($1)', /one statement, found 2/],
    ['WITH gone AS (DELETE FROM tenants RETURNING id) DELETE FROM assets WHERE id = ANY($1)', /WITH clause/],
    ['DELETE FROM assets USING tenants WHERE tenants.id = ANY($1)', /USING clause/],
    ['DELETE FROM assets WHERE id = ANY($1) AND pg_sleep(100) IS NOT NULL', /calls a function \(pg_sleep\)/],
    ['DELETE FROM assets WHERE id = ANY(string_to_array($1, \',\'))', /calls a function/],
    ['DELETE FROM WHERE', /not valid PostgreSQL/],
  ] as const) {
    test(sql, () => expect(checkCleanupDelete(sql).problem).toMatch(says));
  }
});

test('cleanup queries: tenantUsers binds $1 to one table, accounts takes no parameter and has a LIMIT', () => {
  expect(checkCleanupSelect('SELECT tenant_id, email FROM users WHERE tenant_id = ANY($1)', 'tenantUsers')).toBeUndefined();
  expect(checkCleanupSelect('SELECT tenant_id, email FROM users', 'tenantUsers')).toMatch(/does not use \$1/);
  expect(checkCleanupSelect('SELECT tenant_id, email FROM users WHERE tenant_id = ANY($1) OR true', 'tenantUsers')).toMatch(/WHERE <tenant column> = ANY\(\$1\)/);
  expect(checkCleanupSelect('DELETE FROM users WHERE tenant_id = ANY($1)', 'tenantUsers')).toMatch(/must be a SELECT/);
  expect(checkCleanupSelect("SELECT email, tenant_id, created_at FROM users WHERE email LIKE 'flowgate+%' LIMIT 10", 'accounts')).toBeUndefined();
  expect(checkCleanupSelect("SELECT email, tenant_id, created_at FROM users WHERE email LIKE 'flowgate+%'", 'accounts')).toMatch(/LIMIT/);
  expect(checkCleanupSelect('SELECT email FROM users WHERE email = $1 LIMIT 1', 'accounts')).toMatch(/takes no parameter/);
});

test('the schema: a missing part, an unknown key, a db that is not a *_DB_URL are named where they are', () => {
  const doc = reference();
  delete doc.cleanup.tenantUsers;
  doc.cleanup.delete[0].by = 'userId';
  doc.cleanup.delete[1].db = 'postgres://x';
  doc.cleanup.delete[2].extra = 1;
  const problems = profileShapeProblems(doc);
  expect(problems).toEqual(expect.arrayContaining([
    'cleanup is missing "tenantUsers"',
    expect.stringMatching(/^cleanup\/delete\/0\/by must be one of email, tenantId/),
    expect.stringMatching(/^cleanup\/delete\/1\/db must match pattern/),
    'cleanup/delete/2 has an unknown field "extra"',
  ]));
  // the old flat list (cleanup.user) is refused, not silently ignored
  expect(profileShapeProblems({ name: 'old', probes: {}, cleanup: { user: [] } })).toEqual(expect.arrayContaining(['cleanup has an unknown field "user"']));
});

test('validateProfile names the file and every refused statement in one ConfigError', async () => {
  const doc = reference();
  doc.cleanup.delete.push({ db: 'ASSETS_DB_URL', by: 'tenantId', sql: 'DELETE FROM assets' }, { db: 'AUTH_DB_URL', by: 'email', sql: 'UPDATE users SET email = NULL WHERE email = ANY($1)' });
  const err = await validateProfile(doc, '/tmp/staging.json').catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toContain('2 problems in FLOWGATE_PROFILE (/tmp/staging.json)');
  expect(err.message).toContain('(ASSETS_DB_URL) has no WHERE: it would delete every row of the table: DELETE FROM assets');
  expect(err.message).toContain('(AUTH_DB_URL) must be a DELETE, found UPDATE: UPDATE users SET email = NULL');
});
