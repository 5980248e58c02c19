// A service container's TLS/SASL client options from the same variables a flowgate target takes (KAFKA_SSL*, KAFKA_SASL_*, REDIS_TLS_CA_FILE, DB_SSL_CA_FILE).
import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';
import type { PoolConfig } from 'pg';
import { envValue, kafkaSecurity, pgClientConfig, redisOptions, type Env } from '../../../contracts/connection';
import type { BusOptions } from './bus';

/** TLS and SASL settings for createBus: TLS by the rules the harness applies (contracts/connection.ts); a bad setting throws naming the variable. */
export function kafkaSecurityFromEnv(env: Env, read = (f: string) => readFileSync(f, 'utf8')): Pick<BusOptions, 'ssl' | 'sasl'> {
  const caFile = envValue(env, 'KAFKA_SSL_CA_FILE');
  const { ssl, sasl, problems } = kafkaSecurity(env, { hasCaFile: caFile !== undefined });
  if (problems.length) throw new Error(problems.join('; '));
  return {
    ...(ssl ? { ssl: caFile ? { ca: [read(caFile)], rejectUnauthorized: true as const } : true } : {}),
    ...(sasl ? { sasl } : {}),
  };
}

/** pg Pool options for DATABASE_URL: sslmode in the URL and DB_SSL_CA_FILE, exactly as the harness reads them. */
export function poolConfigFromEnv(url: string, env: Env): PoolConfig {
  const caFile = envValue(env, 'DB_SSL_CA_FILE');
  return pgClientConfig(url, caFile ? { dbSslCaFile: caFile } : {});
}

/** ioredis options for REDIS_URL: rediss:// means TLS, verified against REDIS_TLS_CA_FILE when given. */
export function redisConfigFromEnv(url: string, env: Env): RedisOptions {
  const caFile = envValue(env, 'REDIS_TLS_CA_FILE');
  const { lazyConnect: _lazy, maxRetriesPerRequest: _retries, connectTimeout: _timeout, ...o } = redisOptions({ redis: { url, ...(caFile ? { tlsCaFile: caFile } : {}) } });
  return o;
}
