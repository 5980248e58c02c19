// Client options from the target's configuration: kafkajs, pg and ioredis, each with the TLS and credentials the target asks for.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { SaslMechanism } from './parsers';
import type { TargetConfig } from './target-config';

const readCa = (f: string | undefined): string[] | undefined => (f ? [readFileSync(f, 'utf8')] : undefined);

export interface KafkaClientConfig {
  clientId: string;
  brokers: string[];
  ssl: boolean | { ca?: string[]; rejectUnauthorized: true };
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

/** kafkajs `new Kafka(...)` options: TLS (with the CA when given) and SASL/SCRAM as staging requires. */
export function kafkaClientConfig(cfg: TargetConfig, clientId = `flowgate-${cfg.runId}`): KafkaClientConfig {
  const ca = readCa(cfg.kafka.sslCaFile);
  return {
    clientId,
    brokers: [...cfg.kafka.brokers],
    ssl: cfg.kafka.ssl ? (ca ? { ca, rejectUnauthorized: true } : true) : false,
    ...(cfg.kafka.sasl ? { sasl: { ...cfg.kafka.sasl } } : {}),
  };
}

export interface PgClientConfig {
  connectionString: string;
  ssl: false | { ca?: string; rejectUnauthorized: boolean; host?: string; checkServerIdentity?: () => undefined };
}

/**
 * pg `new Client(...)` options for one database URL. TLS parameters are taken out of the URL and expressed as
 * the `ssl` object, because pg lets a connection string's sslmode override an explicit `ssl` (and drop the CA).
 * TLS is on when the URL asks for it (sslmode=require/verify-ca/verify-full/no-verify) or DB_SSL_CA_FILE is set.
 */
export function pgClientConfig(url: string, cfg: Pick<TargetConfig, 'dbSslCaFile'>): PgClientConfig {
  const u = new URL(url);
  const mode = (u.searchParams.get('sslmode') ?? '').toLowerCase();
  for (const p of ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat']) u.searchParams.delete(p);
  const connectionString = u.toString();
  if (mode === 'disable') return { connectionString, ssl: false };
  const wantsTls = ['require', 'verify-ca', 'verify-full', 'no-verify', 'prefer'].includes(mode) || !!cfg.dbSslCaFile;
  if (!wantsTls) return { connectionString, ssl: false };
  const ca = cfg.dbSslCaFile ? readFileSync(cfg.dbSslCaFile, 'utf8') : undefined;
  // pg names the server for SNI only when it is a DNS name; without `host` Node would check an IP server's
  // certificate against "localhost". verify-ca checks the chain but, as in libpq, not the name.
  const identity = mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : { host: u.hostname.replace(/^\[|\]$/g, '') };
  return { connectionString, ssl: { ...(ca ? { ca } : {}), rejectUnauthorized: mode !== 'no-verify', ...identity } };
}

export interface RedisClientOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: { ca?: string[]; servername?: string };
  lazyConnect: true;
  /** fail a probe quickly instead of queueing commands while the server is down */
  maxRetriesPerRequest: number;
  connectTimeout: number;
}

/** ioredis `new Redis(options)` from REDIS_URL: `rediss://` means TLS (with REDIS_TLS_CA_FILE as CA when given). */
export function redisOptions(cfg: Pick<TargetConfig, 'redis'>, connectTimeout = 5_000): RedisClientOptions {
  const u = new URL(cfg.redis.url);
  const db = Number(u.pathname.replace(/^\//, '') || '0');
  const tls = u.protocol === 'rediss:';
  const ca = readCa(cfg.redis.tlsCaFile);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db: Number.isInteger(db) ? db : 0,
    // SNI must not carry an IP address (RFC 6066); the certificate is still checked against the host
    ...(tls ? { tls: { ...(ca ? { ca } : {}), ...(isIP(u.hostname.replace(/^\[|\]$/g, '')) ? {} : { servername: u.hostname }) } } : {}),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout,
  };
}
