// A service container's TLS/SASL client options from the same variables a flowgate target takes (KAFKA_SSL*, KAFKA_SASL_*, REDIS_TLS_CA_FILE, DB_SSL_CA_FILE).
import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';
import type { PoolConfig } from 'pg';
import { parseBool, pgClientConfig, redisOptions } from '../../../helpers/config/config';
import type { BusOptions } from './bus';

type Env = Record<string, string | undefined>;
const get = (env: Env, k: string): string | undefined => (env[k]?.trim() ? env[k]!.trim() : undefined);

/** kafkajs ssl/sasl for createBus: TLS when KAFKA_SSL is true or a CA file is named; SASL when KAFKA_SASL_MECHANISM is set. */
export function kafkaSecurityFromEnv(env: Env, read = (f: string) => readFileSync(f, 'utf8')): Pick<BusOptions, 'ssl' | 'sasl'> {
  const caFile = get(env, 'KAFKA_SSL_CA_FILE');
  const sslRaw = get(env, 'KAFKA_SSL');
  const ssl = sslRaw === undefined ? caFile !== undefined : parseBool(sslRaw);
  if (ssl === undefined) throw new Error(`KAFKA_SSL must be true or false, got ${JSON.stringify(sslRaw)}`);
  const mech = get(env, 'KAFKA_SASL_MECHANISM')?.toLowerCase();
  let sasl: BusOptions['sasl'];
  if (mech !== undefined) {
    if (mech !== 'plain' && mech !== 'scram-sha-256' && mech !== 'scram-sha-512') throw new Error(`KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512, got ${JSON.stringify(mech)}`);
    const username = get(env, 'KAFKA_SASL_USERNAME');
    const password = get(env, 'KAFKA_SASL_PASSWORD');
    if (!username || !password) throw new Error(`KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM=${mech}`);
    sasl = { mechanism: mech, username, password };
  }
  return {
    ...(ssl ? { ssl: caFile ? { ca: [read(caFile)], rejectUnauthorized: true as const } : true } : {}),
    ...(sasl ? { sasl } : {}),
  };
}

/** pg Pool options for DATABASE_URL: sslmode in the URL and DB_SSL_CA_FILE, exactly as the harness reads them. */
export function poolConfigFromEnv(url: string, env: Env): PoolConfig {
  const caFile = get(env, 'DB_SSL_CA_FILE');
  return pgClientConfig(url, caFile ? { dbSslCaFile: caFile } : {});
}

/** ioredis options for REDIS_URL: rediss:// means TLS, verified against REDIS_TLS_CA_FILE when given. */
export function redisConfigFromEnv(url: string, env: Env): RedisOptions {
  const caFile = get(env, 'REDIS_TLS_CA_FILE');
  const { lazyConnect: _lazy, maxRetriesPerRequest: _retries, connectTimeout: _timeout, ...o } = redisOptions({ redis: { url, ...(caFile ? { tlsCaFile: caFile } : {}) } });
  return o;
}
