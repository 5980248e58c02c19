// How a target's parts are reached, read from the same variables by the harness and by the embedded services: booleans, Kafka TLS/SASL rules, pg and ioredis options, the dashboard's browser.
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';

export type Env = Record<string, string | undefined>;
export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

/** The spellings every flowgate boolean accepts (variables, the install script), case-insensitively. */
export const BOOL_TRUE = ['true', '1', 'yes', 'on'];
export const BOOL_FALSE = ['false', '0', 'no', 'off'];
export const BOOL_WORDS = 'true/false (or 1/0, yes/no, on/off)';

/** A boolean in any accepted spelling; undefined when not one of them. */
export function parseBool(v: string | undefined): boolean | undefined {
  const s = (v ?? '').trim().toLowerCase();
  if (BOOL_TRUE.includes(s)) return true;
  if (BOOL_FALSE.includes(s)) return false;
  return undefined;
}

/** A variable's value trimmed; '' (what dotenv makes of `KEY=`) means not set. */
export function envValue(env: Env, k: string): string | undefined {
  const v = env[k];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

export interface KafkaSecurity {
  ssl: boolean;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  /** what is wrong, one line each, naming the variable */
  problems: string[];
}

/**
 * The Kafka TLS/SASL rules of KAFKA_SSL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: TLS when
 * KAFKA_SSL is true, or unset with a CA file named; SASL when a mechanism is set, which then needs both credentials;
 * credentials without a mechanism are a problem (they would silently connect unauthenticated).
 * `show` renders a bad value for a message (the harness redacts it).
 */
export function kafkaSecurity(env: Env, opts: { hasCaFile: boolean; show?: (v: string) => string }): KafkaSecurity {
  const show = opts.show ?? ((v: string) => JSON.stringify(v.slice(0, 120)));
  const get = (k: string) => envValue(env, k);
  const problems: string[] = [];
  const sslRaw = get('KAFKA_SSL');
  const sslParsed = sslRaw === undefined ? undefined : parseBool(sslRaw);
  if (sslRaw !== undefined && sslParsed === undefined) problems.push(`KAFKA_SSL must be ${BOOL_WORDS}, got ${show(sslRaw)}`);
  const ssl = sslParsed ?? opts.hasCaFile;
  const mechRaw = get('KAFKA_SASL_MECHANISM');
  const username = get('KAFKA_SASL_USERNAME');
  const password = get('KAFKA_SASL_PASSWORD');
  if (mechRaw === undefined) {
    if (username !== undefined || password !== undefined) problems.push('KAFKA_SASL_MECHANISM is required when KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD are set (plain, scram-sha-256 or scram-sha-512)');
    return { ssl, problems };
  }
  const mechanism = mechRaw.toLowerCase() as SaslMechanism;
  if (!SASL_MECHANISMS.includes(mechanism)) problems.push(`KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512, got ${show(mechRaw)}`);
  if (username === undefined) problems.push(`KAFKA_SASL_USERNAME is required (needed because KAFKA_SASL_MECHANISM is ${mechRaw})`);
  if (password === undefined) problems.push(`KAFKA_SASL_PASSWORD is required (needed because KAFKA_SASL_MECHANISM is ${mechRaw})`);
  return { ssl, ...(username !== undefined && password !== undefined ? { sasl: { mechanism, username, password } } : {}), problems };
}

const readCa = (f: string | undefined, read: (f: string) => string): string[] | undefined => (f ? [read(f)] : undefined);
const readUtf8 = (f: string) => readFileSync(f, 'utf8');

export interface PgClientConfig {
  connectionString: string;
  ssl: false | { ca?: string; rejectUnauthorized: boolean; host?: string; checkServerIdentity?: () => undefined };
}

/**
 * pg `new Client(...)` options for one database URL. TLS parameters are taken out of the URL and expressed as
 * the `ssl` object, because pg lets a connection string's sslmode override an explicit `ssl` (and drop the CA).
 * TLS is on when the URL asks for it (sslmode=require/verify-ca/verify-full/no-verify) or DB_SSL_CA_FILE is set.
 */
export function pgClientConfig(url: string, cfg: { dbSslCaFile?: string }, read = readUtf8): PgClientConfig {
  const u = new URL(url);
  const mode = (u.searchParams.get('sslmode') ?? '').toLowerCase();
  for (const p of ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat']) u.searchParams.delete(p);
  const connectionString = u.toString();
  if (mode === 'disable') return { connectionString, ssl: false };
  const wantsTls = ['require', 'verify-ca', 'verify-full', 'no-verify', 'prefer'].includes(mode) || !!cfg.dbSslCaFile;
  if (!wantsTls) return { connectionString, ssl: false };
  const ca = cfg.dbSslCaFile ? read(cfg.dbSslCaFile) : undefined;
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
export function redisOptions(cfg: { redis: { url: string; tlsCaFile?: string } }, connectTimeout = 5_000, read = readUtf8): RedisClientOptions {
  const u = new URL(cfg.redis.url);
  const db = Number(u.pathname.replace(/^\//, '') || '0');
  const tls = u.protocol === 'rediss:';
  const ca = readCa(cfg.redis.tlsCaFile, read);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return {
    host,
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db: Number.isInteger(db) ? db : 0,
    // SNI must not carry an IP address (RFC 6066); the certificate is still checked against the host
    ...(tls ? { tls: { ...(ca ? { ca } : {}), ...(isIP(host) ? {} : { servername: u.hostname }) } } : {}),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout,
  };
}

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Debian's old headless shell (package chromium-headless-shell): what Playwright itself runs for headless Chromium */
export const HEADLESS_SHELL_PATH = '/usr/bin/chromium-headless-shell';

/**
 * The Chromium of the dashboard steps: CHROMIUM_PATH when set; else, for a headless run, Debian's headless shell when
 * installed (measured here: launch, one page and close in 0.85 CPU-s and 0.6 s, against 1.7 CPU-s and 2 s for the full
 * browser); else Debian's chromium. A headed or debug run (--headed, --debug, --ui, PWDEBUG) needs the full browser.
 */
export function chromiumExecutable(env: Env, opts: { headed?: boolean; exists?: (p: string) => boolean } = {}): string {
  const set = env.CHROMIUM_PATH?.trim();
  if (set) return set;
  const exists = opts.exists ?? existsSync;
  return !opts.headed && exists(HEADLESS_SHELL_PATH) ? HEADLESS_SHELL_PATH : CHROMIUM_PATH;
}
