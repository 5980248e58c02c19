// Probe statements are bounded on the embedded stack's real PostgreSQL and Redis: statement_timeout, query_timeout and commandTimeout cut a hanging probe off with a clear error.
import { expect } from '@playwright/test';
import { pgClientConfig, redisOptions } from '../../helpers/config/config';
import { BudgetExceeded } from '../../helpers/errors';
import { DbProbes, createRedis, PROBE_PG_TIMEOUTS, PROBE_REDIS_COMMAND_TIMEOUT_MS, type Profile } from '../../clients/probes';
import { test } from './harness';

const profile: Profile = {
  name: 'bounded-test',
  file: '(in-memory profile of tests/harness/bounded.test.ts)',
  probes: { 'slow.sleep': { db: 'AUTH_DB_URL', params: [], sql: 'SELECT pg_sleep(10) AS slept' } },
  redis: {},
  // no cleanup: these tests create nothing
  cleanup: { tenantUsers: { db: 'AUTH_DB_URL', sql: 'SELECT 1' }, accounts: { db: 'AUTH_DB_URL', sql: 'SELECT 1' }, delete: [] },
};

const pg = (env: Record<string, string>) => pgClientConfig(env.AUTH_DB_URL, { dbSslCaFile: env.DB_SSL_CA_FILE });

test('every probe connection runs with the statement timeout, unless told otherwise', async ({ stack }) => {
  const probes = new DbProbes(profile, () => pg(stack.env));
  try {
    const [row] = await probes.query('AUTH_DB_URL', 'SHOW statement_timeout', []);
    expect(row.statement_timeout, 'the server holds the connection-level statement_timeout').toBe(`${PROBE_PG_TIMEOUTS.statement_timeout / 1000}s`);
  } finally {
    await probes.close();
  }
});

test('a probe statement that runs too long is cancelled by statement_timeout: a BudgetExceeded naming the probe, in bounded time', async ({ stack }) => {
  const probes = new DbProbes(profile, () => ({ ...pg(stack.env), statement_timeout: 300 }));
  try {
    const started = Date.now();
    const err = await probes.run('slow.sleep', {}).catch((e) => e);
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(BudgetExceeded);
    expect(err.message).toContain('waited 300 ms for probe slow.sleep on AUTH_DB_URL to answer');
    expect(err.message).toContain('statement_timeout (57014: canceling statement due to statement timeout)');
    expect(took, 'cut off near the timeout, not after the 10 s sleep').toBeLessThan(3_000);
    // the pool still serves the next probe
    expect(await probes.query('AUTH_DB_URL', 'SELECT 1 AS one', [])).toEqual([{ one: 1 }]);
  } finally {
    await probes.close();
  }
});

test('a server that never answers is given up by query_timeout on the client side', async ({ stack }) => {
  // The server-side timeout switched off, so only the client's can end the wait (as with a server that hangs).
  const probes = new DbProbes(profile, () => ({ ...pg(stack.env), statement_timeout: 0, query_timeout: 300 }));
  try {
    const started = Date.now();
    const err = await probes.run('slow.sleep', {}).catch((e) => e);
    expect(err).toBeInstanceOf(BudgetExceeded);
    expect(err.message).toContain('no answer from the server within query_timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
  } finally {
    await probes.close();
  }
});

test('a Redis probe command that never answers times out (commandTimeout)', async ({ stack }) => {
  const opts = redisOptions({ redis: { url: stack.env.REDIS_URL, ...(stack.env.REDIS_TLS_CA_FILE ? { tlsCaFile: stack.env.REDIS_TLS_CA_FILE } : {}) } });
  const byDefault = createRedis(opts);
  expect(byDefault.options.commandTimeout).toBe(PROBE_REDIS_COMMAND_TIMEOUT_MS);
  byDefault.disconnect();
  const client = createRedis({ ...opts, commandTimeout: 300 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const started = Date.now();
    // BLPOP with no timeout blocks until a list gets an element: the command a server holds forever
    await expect(client.blpop(`flowgate:bounded:${Date.now()}`, 0)).rejects.toThrow(/Command timed out/);
    expect(Date.now() - started).toBeLessThan(3_000);
  } finally {
    client.disconnect();
  }
});
