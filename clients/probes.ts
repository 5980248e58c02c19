// Database and Redis probes: named SQL and key templates from the target's profile, run on pools the worker owns.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import Redis, { type RedisOptions } from 'ioredis';
import { InfrastructureUnreachable, ConfigError, BudgetExceeded, isUnreachable } from '../helpers/errors';
import { DB_VARS, pgClientConfig, type DbName, type TargetConfig } from '../helpers/config/config';
import { validateProfile, type CleanupSpec } from '../helpers/config/profile';

/**
 * Every probe connection's bounds (pg connection options). statement_timeout: the server cancels a probe statement that
 * runs longer (a lock, a slow plan on a shared staging); query_timeout: the client gives up on a server that never
 * answers at all. A probe is a SELECT by business key that takes milliseconds; the step budget polls it again.
 */
export const PROBE_PG_TIMEOUTS = { statement_timeout: 5_000, query_timeout: 7_000 } as const;
/** ioredis commandTimeout of every probe client: a Redis that accepts a command and never answers cannot hang a step. */
export const PROBE_REDIS_COMMAND_TIMEOUT_MS = 5_000;

/** A probe statement cut off by a timeout, as the typed error the verdict reads; undefined for any other error. */
export function probeTimeout(err: any, what: string, timeouts: { statement_timeout?: number | false; query_timeout?: number | false }): BudgetExceeded | undefined {
  // 57014 query_canceled: "canceling statement due to statement timeout"
  if (err?.code === '57014' && /statement timeout/i.test(String(err?.message)))
    return new BudgetExceeded(`${what} to answer`, Number(timeouts.statement_timeout) || 0, `the server cancelled it at statement_timeout (${err.code}: ${err.message})`);
  if (/^Query read timeout$/.test(String(err?.message)))
    return new BudgetExceeded(`${what} to answer`, Number(timeouts.query_timeout) || 0, 'no answer from the server within query_timeout; the connection was dropped');
  return undefined;
}

export interface ProbeSpec {
  db: string;
  params: string[];
  sql: string;
}

export interface Profile {
  name: string;
  /** the file it was read from */
  file: string;
  probes: Record<string, ProbeSpec>;
  redis: Record<string, string>;
  /** checked: every statement parsed and refused unless it deletes only by the test's own ids (helpers/profile.ts) */
  cleanup: CleanupSpec;
}

const checked = new Map<string, Promise<Profile>>();

/**
 * The profile file, checked against its schema and every cleanup statement against PostgreSQL's parser; a ConfigError
 * names the file and each refused statement. Read and checked once per process.
 */
export function loadProfile(file: string, root = process.cwd()): Promise<Profile> {
  const path = resolve(root, file);
  if (!checked.has(path)) checked.set(path, readProfile(path));
  return checked.get(path)!;
}

async function readProfile(path: string): Promise<Profile> {
  let text: string;
  let raw: any;
  try {
    text = readFileSync(path, 'utf8');
    raw = JSON.parse(text);
  } catch (err: any) {
    throw new ConfigError([`cannot read probe profile ${path}: ${err.message}`], `FLOWGATE_PROFILE (${path})`);
  }
  // Every worker of a run reads the profile: a file that passed these rules (the same text, the same rules) is kept
  // in the temp dir as checked, so only the first process of a run pays for the parser (~50 ms of CPU per worker).
  const rules = readFileSync(join(__dirname, '..', 'helpers', 'config', 'profile.ts'), 'utf8');
  const cached = join(tmpdir(), `flowgate-profile-${createHash('sha256').update(rules).update('\0').update(text).digest('hex').slice(0, 32)}.json`);
  let cleanup: CleanupSpec | undefined;
  try {
    cleanup = JSON.parse(readFileSync(cached, 'utf8'));
  } catch {
    cleanup = await validateProfile(raw, path);
    try {
      const tmp = `${cached}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(cleanup));
      renameSync(tmp, cached);
    } catch {
      // a read-only temp dir only costs the next process the check
    }
  }
  return { name: raw.name ?? path, file: path, probes: raw.probes ?? {}, redis: raw.redis ?? {}, cleanup: cleanup! };
}

/** Values for a probe's named parameters, in order; a missing one is named. */
export function probeArgs(name: string, spec: ProbeSpec, vars: Record<string, unknown>): unknown[] {
  return spec.params.map((p) => {
    if (vars[p] === undefined) throw new Error(`probe ${name} needs parameter "${p}"`);
    return vars[p];
  });
}

/** Fills {name} placeholders of a Redis key template. */
export function fillKey(template: string, vars: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, k: string) => {
    if (vars[k] === undefined) throw new Error(`redis key ${template} needs "${k}"`);
    return vars[k];
  });
}

export class DbProbes {
  private pools = new Map<string, Pool>();

  constructor(
    readonly profile: Profile,
    /** env key (AUTH_DB_URL …) → pg config */
    private readonly poolConfig: (envKey: string) => PoolConfig | undefined,
  ) {}

  private pool(envKey: string): Pool {
    let p = this.pools.get(envKey);
    if (!p) {
      const cfg = this.poolConfig(envKey);
      if (!cfg) throw new ConfigError([`${envKey} is not configured but the profile's probes use it`]);
      p = new Pool({ max: 3, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 10_000, ...PROBE_PG_TIMEOUTS, ...cfg });
      p.on('error', () => undefined); // a dropped idle client must not crash the worker; the next query reports it
      this.pools.set(envKey, p);
    }
    return p;
  }

  /** Whether the target gives this database (AUTH_DB_URL …). */
  configured(envKey: string): boolean {
    return this.pools.has(envKey) || this.poolConfig(envKey) !== undefined;
  }

  /** A client of the database's pool for a transaction (the caller releases it); an unreachable database is InfrastructureUnreachable. */
  async connect(envKey: string): Promise<PoolClient> {
    try {
      return await this.pool(envKey).connect();
    } catch (err: any) {
      if (isUnreachable(err)) throw new InfrastructureUnreachable('postgres', envKey, `${err.code ?? ''} ${err.message}`.trim());
      throw err;
    }
  }

  has(probe: string): boolean {
    return probe in this.profile.probes;
  }

  async run(probe: string, vars: Record<string, unknown>): Promise<Record<string, any>[]> {
    const spec = this.profile.probes[probe];
    if (!spec) throw new ConfigError([`profile ${this.profile.name} has no probe "${probe}"`]);
    return this.query(spec.db, spec.sql, probeArgs(probe, spec, vars), `probe ${probe} on ${spec.db}`);
  }

  async query(envKey: string, sql: string, args: unknown[], what = `a statement on ${envKey}`): Promise<Record<string, any>[]> {
    const pool = this.pool(envKey);
    try {
      return (await pool.query(sql, args)).rows;
    } catch (err: any) {
      const timedOut = probeTimeout(err, what, pool.options as any);
      if (timedOut) throw timedOut;
      if (isUnreachable(err)) throw new InfrastructureUnreachable('postgres', envKey, `${err.code ?? ''} ${err.message}`.trim());
      throw err;
    }
  }

  /** The first database the profile uses that does not answer SELECT 1 within the budget, with the reason. */
  async unreachable(budgetMs: number): Promise<{ envKey: string; reason: string } | undefined> {
    for (const envKey of this.envKeys()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          this.pool(envKey).query('SELECT 1'),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer to SELECT 1 within ${budgetMs} ms`)), budgetMs))),
        ]);
      } catch (err: any) {
        return { envKey, reason: `${err.code ?? ''} ${err.message}`.trim() };
      } finally {
        clearTimeout(timer);
      }
    }
    return undefined;
  }

  envKeys(): string[] {
    return [...new Set(Object.values(this.profile.probes).map((p) => p.db))];
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.end().catch(() => undefined)));
    this.pools.clear();
  }
}

export function createRedis(options: RedisOptions): Redis {
  // Fail fast instead of queueing forever: an unreachable Redis must turn into a clear NO-GO, not a hang.
  return new Redis({ lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5_000, commandTimeout: PROBE_REDIS_COMMAND_TIMEOUT_MS, retryStrategy: () => null, ...options });
}

/** The target's probes: its profile's statements on pools of the databases the target gives (TLS as it asks). */
export async function probesFor(target: TargetConfig): Promise<DbProbes> {
  return new DbProbes(await loadProfile(target.profile), (envKey) => {
    const url = dbUrlFor(target, envKey);
    return url ? pgClientConfig(url, target) : undefined;
  });
}

/** pg settings for a profile's database env key (AUTH_DB_URL …), or undefined when the target has none. */
export function dbUrlFor(target: TargetConfig, envKey: string): string | undefined {
  const name = (Object.keys(DB_VARS) as DbName[]).find((k) => DB_VARS[k] === envKey);
  return name ? target.db[name] : undefined;
}
