// The target configuration (DESIGN §3): parsed and validated from environment variables in one go, plus client options for kafkajs, pg and ioredis.
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { ConfigError, withoutCredentials } from '../errors';
import { redactPatterns } from '../redact';
import { DEFAULT_CONVENTIONAL_PORTS, parseConventionalPorts, type ConventionalPorts } from '../transport';

import { BOOL_WORDS, chromiumExecutable, kafkaSecurity, parseBool, type Env, type SaslMechanism } from '../../contracts/connection';

// What the harness and the embedded services both parse lives in contracts/connection.ts; re-exported under the names used here.
export { BOOL_FALSE, BOOL_TRUE, chromiumExecutable, parseBool, pgClientConfig, redisOptions, type Env, type PgClientConfig, type RedisClientOptions, type SaslMechanism } from '../../contracts/connection';

// The service databases the flows inspect: contracts/databases.ts names them once.
export { DB_VARS, OPTIONAL_DBS, type DbKey as DbName } from '../../contracts/databases';
import { DB_VARS, OPTIONAL_DBS, type DbKey as DbName } from '../../contracts/databases';

export const DEFAULTS = {
  targetName: 'staging',
  observerGroupPrefix: 'flowgate-observer',
  profile: 'contracts/profiles/reference.json',
  stepBudgetMs: 15_000,
  eventBudgetMs: 10_000,
  // The seed's "quota syncs within 30 s".
  quotaBudgetMs: 30_000,
  scanBudgetMs: 60_000,
  chromiumPath: '/usr/bin/chromium',
  // Debian's old headless shell (package chromium-headless-shell): what Playwright itself runs for headless Chromium
  headlessShellPath: '/usr/bin/chromium-headless-shell',
  // every answer the flows expect is a few KiB; a body past this is a hostile or broken target (helpers/body.ts)
  maxBodyBytes: 1024 * 1024,
} as const;

export interface TargetConfig {
  name: string;
  kong: { url: string; extraHeaders: Record<string, string>; caFile?: string };
  /** host:port of every public endpoint criterion 4 tries in plain HTTP (FLOWGATE_PUBLIC_ENDPOINTS; default the gateway's) */
  publicEndpoints: string[];
  /** the ports criteria 4, 5, 6 try on the gateway, broker and Redis hosts (FLOWGATE_CONVENTIONAL_PORTS; default Kong/Kafka/Redis') */
  conventionalPorts: ConventionalPorts;
  kafka: {
    brokers: string[];
    ssl: boolean;
    sslCaFile?: string;
    sasl?: { mechanism: SaslMechanism; username: string; password: string };
    observerGroupPrefix: string;
  };
  /** one URL per service database; optional ones may be absent */
  db: { [K in DbName]: K extends 'verification' | 'checkout' ? string | undefined : string };
  dbSslCaFile?: string;
  redis: { url: string; tlsCaFile?: string };
  stripeWebhookSecret: string;
  captchaTestKey: string;
  jwtTestSigningKey: string;
  /** FLOWGATE_JWT_PUBLIC_KEY_FILE: the verification key of an asymmetric (RS/PS/ES) target, for the algorithm-confusion probe */
  jwtPublicKeyFile?: string;
  profile: string;
  budgets: { stepMs: number; eventMs: number; quotaMs: number; scanMs: number };
  /** FLOWGATE_MAX_BODY_BYTES: a response body (or Kafka message) larger than this is refused, not read */
  maxBodyBytes: number;
  allowFlaky: boolean;
  runId: string;
  chromiumPath: string;
}

/** A run id like fg-20250101120000-a1b2c3: sortable by time, unique enough to tag a run's users and tenants. */
export function generateRunId(now = new Date(), hex = randomBytes(3).toString('hex')): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `fg-${stamp}-${hex}`;
}

/** Thrown by a variable's parser: the part of the message after "<NAME> ". */
class Invalid {
  constructor(readonly why: string) {}
}
type Parser<T> = (raw: string, ctx: { cwd: string }) => T;
const positiveInt: Parser<number> = (v) => {
  if (!/^\d+$/.test(v) || Number(v) <= 0 || !Number.isSafeInteger(Number(v))) throw new Invalid(`must be a positive integer, got ${JSON.stringify(v.slice(0, 40))}`);
  return Number(v);
};
const countFrom0: Parser<number> = (v) => {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new Invalid(`must be a whole number (0 or more), got ${JSON.stringify(v.slice(0, 40))}`);
  return Number(v);
};
const milliseconds: Parser<number> = (v, c) => {
  try {
    return positiveInt(v, c);
  } catch (e) {
    throw new Invalid(`must be a positive integer number of milliseconds${(e as Invalid).why.replace(/^must be a positive integer/, '')}`);
  }
};
const byteCount: Parser<number> = (v, c) => {
  try {
    return positiveInt(v, c);
  } catch (e) {
    throw new Invalid(`must be a positive integer number of bytes (e.g. 1048576 for 1 MiB)${(e as Invalid).why.replace(/^must be a positive integer/, '')}`);
  }
};
const boolean: Parser<boolean> = (v) => {
  const b = parseBool(v);
  if (b === undefined) throw new Invalid(`must be ${BOOL_WORDS}, got ${JSON.stringify(v.slice(0, 40))}`);
  return b;
};
const targetKind: Parser<'embedded' | 'staging'> = (v) => {
  if (v !== 'embedded' && v !== 'staging') throw new Invalid(`must be embedded or staging, got ${JSON.stringify(v.slice(0, 40))}`);
  return v;
};
// Run ids and names end up in e-mail addresses, tenant names and consumer groups.
const token: Parser<string> = (v) => {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(v)) throw new Invalid(`may contain only letters, digits, '.', '_' and '-' (at most 64), got ${JSON.stringify(v.slice(0, 80))}`);
  return v;
};
const existingPath: Parser<string> = (v, { cwd }) => {
  const abs = resolve(cwd, v);
  if (!existsSync(abs)) throw new Invalid(`names a file that does not exist: ${v}`);
  return abs;
};
const path: Parser<string> = (v, { cwd }) => resolve(cwd, v);
const shardList: Parser<number[]> = (v) => {
  const parts = v.split(',').map((x) => x.trim());
  if (!parts.every((x) => /^\d+$/.test(x) && Number(x) > 0)) throw new Invalid(`must be a comma-separated list of shard numbers, got ${JSON.stringify(v.slice(0, 40))}`);
  return parts.map(Number);
};
const gapUrl: Parser<string> = (v) => {
  if (!v.includes('%s')) throw new Invalid(`must contain %s where the gap id goes, got ${JSON.stringify(v.slice(0, 80))}`);
  return v;
};

// criterion 4's public endpoints: host:port, comma-separated
const hostPorts: Parser<string[]> = (v) => {
  const items = v.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = items.filter((b) => {
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(b);
    return !m || Number(m[2]) < 1 || Number(m[2]) > 65535;
  });
  if (bad.length || !items.length) throw new Invalid(`must be a comma-separated host:port list, bad entries: ${bad.map((b) => JSON.stringify(b.slice(0, 80))).join(', ') || '(empty)'}`);
  return items;
};
// criteria 4, 5, 6: the conventional ports tried on the target's hosts (helpers/transport.ts)
const conventionalPorts: Parser<ConventionalPorts> = (v) => {
  try {
    return parseConventionalPorts(v);
  } catch (e) {
    throw new Invalid((e as Error).message);
  }
};

/**
 * Every FLOWGATE_* variable, with its parser: the one place they are read and checked (tests/unit/env-vars.test.ts
 * holds the code, this table and .env.example to each other). `scope` says who reads it.
 */
export const FLOWGATE_VARS = {
  // the target's name in every headline and go-no-go.json; unset, the gateway's host (a name saying prod/production/live is refused: helpers/target-safety.ts)
  FLOWGATE_TARGET_NAME: { scope: 'target', parse: token },
  // which target the run is meant for (the nightly job sets staging)
  FLOWGATE_TARGET: { scope: 'target', parse: targetKind },
  FLOWGATE_PROFILE: { scope: 'target', parse: existingPath },
  FLOWGATE_STEP_BUDGET_MS: { scope: 'target', parse: milliseconds },
  FLOWGATE_EVENT_BUDGET_MS: { scope: 'target', parse: milliseconds },
  FLOWGATE_QUOTA_BUDGET_MS: { scope: 'target', parse: milliseconds },
  FLOWGATE_SCAN_BUDGET_MS: { scope: 'target', parse: milliseconds },
  FLOWGATE_ALLOW_FLAKY: { scope: 'target', parse: boolean },
  FLOWGATE_RUN_ID: { scope: 'target', parse: token },
  FLOWGATE_PUBLIC_ENDPOINTS: { scope: 'target', parse: hostPorts },
  // role=ports,… tried in plaintext on the gateway, broker and Redis hosts; unset (staging) http=80/8000,admin=8001/8444,kafka=9092,redis=6379
  FLOWGATE_CONVENTIONAL_PORTS: { scope: 'target', parse: conventionalPorts },
  // the PEM public key an RS/PS/ES-signing target verifies JWTs with: the auth probes' algorithm-confusion token is keyed with it
  FLOWGATE_JWT_PUBLIC_KEY_FILE: { scope: 'target', parse: existingPath },
  // the largest body read from one of the target's answers (and the largest Kafka message the observer keeps)
  FLOWGATE_MAX_BODY_BYTES: { scope: 'target', parse: byteCount },
  FLOWGATE_ENV_FILE: { scope: 'run', parse: path },
  FLOWGATE_FLOW_BUDGET_MS: { scope: 'run', parse: milliseconds },
  FLOWGATE_WORKERS: { scope: 'run', parse: positiveInt },
  FLOWGATE_RETRIES: { scope: 'run', parse: countFrom0 },
  FLOWGATE_REPORTS_DIR: { scope: 'run', parse: path },
  FLOWGATE_GAP_URL: { scope: 'run', parse: gapUrl },
  FLOWGATE_SHARDS_EXPECTED: { scope: 'run', parse: positiveInt },
  FLOWGATE_STACK_LOG: { scope: 'run', parse: boolean },
  // read by scripts/code-cache.cjs, preloaded before any of this loads (it spells booleans as BOOL_TRUE / BOOL_FALSE do)
  FLOWGATE_CODE_CACHE: { scope: 'run', parse: boolean },
  FLOWGATE_CODE_CACHE_DIR: { scope: 'run', parse: path },
  FLOWGATE_CODE_CACHE_STATS: { scope: 'run', parse: boolean },
  // the run history (reports/history.jsonl) and the report's own (npm run report)
  FLOWGATE_HISTORY: { scope: 'run', parse: path },
  FLOWGATE_FLAKY_WINDOW: { scope: 'run', parse: positiveInt },
  FLOWGATE_ALLURE_HISTORY: { scope: 'run', parse: path },
  // criterion 3: the deployed services' checkout to scan for secrets; the sign-off file (helpers/signoffs.ts checks its content)
  FLOWGATE_SOURCE_DIR: { scope: 'run', parse: existingPath },
  FLOWGATE_SIGNOFFS: { scope: 'run', parse: path },
  // how many days a sign-off stands before it signs nothing (default 30)
  FLOWGATE_SIGNOFF_MAX_AGE_DAYS: { scope: 'run', parse: positiveInt },
  // set by npm run smoke / merge-reports for the Playwright process they start
  FLOWGATE_ALLURE_RESULTS_DIR: { scope: 'internal', parse: path },
  FLOWGATE_SHARDS_SEEN: { scope: 'internal', parse: shardList },
  // set by npm run smoke -- --plaintext for global setup: a staging configuration in clear is then run on purpose (helpers/target-safety.ts)
  FLOWGATE_PLAINTEXT: { scope: 'internal', parse: boolean },
  FLOWGATE_RUN_LEDGER: { scope: 'internal', parse: path },
  FLOWGATE_KAFKA_JARS: { scope: 'stack', parse: path },
  FLOWGATE_PG_BINDIR: { scope: 'stack', parse: path },
  FLOWGATE_SKIP_KAFKA_FETCH: { scope: 'install', parse: boolean },
  FLOWGATE_SKIP_CHROMIUM: { scope: 'install', parse: boolean },
  FLOWGATE_KEEP_TMP: { scope: 'test', parse: boolean },
} as const satisfies Record<`FLOWGATE_${string}`, { scope: 'target' | 'run' | 'internal' | 'stack' | 'install' | 'test'; parse: Parser<unknown> }>;
export type FlowgateVar = keyof typeof FLOWGATE_VARS;
export type FlowgateSettings = { [K in FlowgateVar]?: ReturnType<(typeof FLOWGATE_VARS)[K]['parse']> };

/** Parses every FLOWGATE_* variable that is set; problems name the variable. Empty means not set. */
export function checkFlowgateVars(env: Env, opts: { cwd?: string; only?: readonly FlowgateVar[] } = {}): { settings: FlowgateSettings; problems: string[] } {
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  const cwd = opts.cwd ?? process.cwd();
  for (const [name, spec] of Object.entries(FLOWGATE_VARS)) {
    if (opts.only && !opts.only.includes(name as FlowgateVar)) continue;
    const raw = env[name]?.trim();
    if (!raw) continue;
    try {
      settings[name] = (spec.parse as Parser<unknown>)(raw, { cwd });
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      problems.push(`${name} ${withoutCredentials(e.why)}`);
    }
  }
  return { settings: settings as FlowgateSettings, problems };
}

/** The run-level settings (workers, retries, flow budget, reports folder…), or a ConfigError naming each bad variable. */
export function runSettings(env: Env = process.env, cwd?: string): FlowgateSettings {
  const { settings, problems } = checkFlowgateVars(env, { cwd, only: (Object.keys(FLOWGATE_VARS) as FlowgateVar[]).filter((k) => FLOWGATE_VARS[k].scope !== 'target') });
  if (problems.length) throw new ConfigError(problems, 'the run settings');
  return settings;
}

/**
 * Validates every variable and returns the whole configuration, or throws one ConfigError listing every
 * missing or malformed variable (a user fixes them all in one go; nothing half-runs). Values quoted in
 * problems have credentials removed, because the error is printed and reported.
 */
export function parseTargetConfig(env: Env, opts: { cwd?: string; now?: Date; exists?: (p: string) => boolean } = {}): TargetConfig {
  const problems: string[] = [];
  const cwd = opts.cwd ?? process.cwd();
  // dotenv turns `KEY=` into '', which means "not set", not "set to empty".
  const get = (k: string): string | undefined => {
    const v = env[k];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  // Credentials out first (a password with an unencoded / is removed whole), then anything else secret-shaped.
  const show = (v: string) => JSON.stringify(redactPatterns(withoutCredentials(v)).slice(0, 120));
  // user:pa/ss@host: the / ends the authority, so the URL does not parse, or parses with the user as its host.
  const slashInPassword = (v: string) => /^[a-z][a-z0-9+.-]{0,31}:\/\/[^/?#@\s]{0,256}:[^\s]{0,256}[/?#][^\s]{0,256}@/i.test(v);
  const encodeHint = 'a password with / ? # or @ in it must be percent-encoded (%2F %3F %23 %40)';
  const required = (k: string, what: string): string | undefined => {
    const v = get(k);
    if (v === undefined) problems.push(`${k} is required (${what})`);
    return v;
  };
  const bool = (k: string): boolean | undefined => {
    const v = get(k);
    if (v === undefined) return undefined;
    const b = parseBool(v);
    if (b === undefined) problems.push(`${k} must be ${BOOL_WORDS}, got ${show(v)}`);
    return b;
  };
  const file = (k: string): string | undefined => {
    const v = get(k);
    if (v === undefined) return undefined;
    const abs = resolve(cwd, v);
    if (!existsSync(abs)) problems.push(`${k} names a file that does not exist: ${v}`);
    return abs;
  };
  // A CA file that is not PEM would only fail later, inside a TLS handshake, as an unrelated-looking error.
  const caFile = (k: string): string | undefined => {
    const abs = file(k);
    if (abs === undefined || !existsSync(abs)) return abs;
    const problem = pemProblem(readFileSync(abs));
    if (problem) problems.push(`${k} must name a PEM file of CA certificates (-----BEGIN CERTIFICATE-----), but ${get(k)} ${problem}`);
    return abs;
  };
  const url = (k: string, protocols: string[], what: string, isRequired: boolean): string | undefined => {
    const v = isRequired ? required(k, what) : get(k);
    if (v === undefined) return undefined;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      problems.push(`${k} must be ${what}, got ${show(v)} (not a URL${slashInPassword(v) ? `; ${encodeHint}` : ''})`);
      return undefined;
    }
    if (slashInPassword(v)) {
      problems.push(`${k} must be ${what}, got ${show(v)} (${encodeHint})`);
      return undefined;
    }
    if (!protocols.includes(u.protocol)) {
      problems.push(`${k} must be ${what}, got ${show(v)}`);
      return undefined;
    }
    if (!u.hostname) {
      problems.push(`${k} must name a host, got ${show(v)}`);
      return undefined;
    }
    return v;
  };

  // Gateway
  const kongUrl = url('KONG_URL', ['http:', 'https:'], 'the gateway base URL, http(s)://host[:port]', true);
  let extraHeaders: Record<string, string> = {};
  const rawHeaders = get('KONG_EXTRA_HEADERS');
  if (rawHeaders !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawHeaders);
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((x) => typeof x === 'string'))
      // The value itself is not echoed: it usually carries an API key.
      problems.push('KONG_EXTRA_HEADERS must be a JSON object of header name → string value, e.g. {"apikey":"…"}');
    else extraHeaders = parsed as Record<string, string>;
  }

  const kongCa = caFile('KONG_CA_FILE');

  // Kafka
  const brokersRaw = required('KAFKA_BROKERS', 'comma-separated host:port list');
  const brokers = (brokersRaw ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokersRaw !== undefined) {
    const bad = brokers.filter((b) => {
      const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(b);
      return !m || Number(m[2]) < 1 || Number(m[2]) > 65535;
    });
    if (bad.length || brokers.length === 0) problems.push(`KAFKA_BROKERS must be a comma-separated host:port list, bad entries: ${bad.map(show).join(', ') || '(empty)'}`);
  }
  const sslCaFile = caFile('KAFKA_SSL_CA_FILE');
  const { ssl, sasl, problems: kafkaProblems } = kafkaSecurity(env, { hasCaFile: sslCaFile !== undefined, show });
  problems.push(...kafkaProblems);
  const observerGroupPrefix = get('KAFKA_OBSERVER_GROUP_PREFIX') ?? DEFAULTS.observerGroupPrefix;
  if (!/^[A-Za-z0-9._-]+$/.test(observerGroupPrefix)) problems.push(`KAFKA_OBSERVER_GROUP_PREFIX may contain only letters, digits, '.', '_' and '-', got ${show(observerGroupPrefix)}`);

  // PostgreSQL
  const db: Record<string, string | undefined> = {};
  for (const [key, v] of Object.entries(DB_VARS) as [DbName, string][])
    db[key] = url(v, ['postgres:', 'postgresql:'], 'a postgres:// or postgresql:// URL', !OPTIONAL_DBS.includes(key));
  const dbSslCaFile = caFile('DB_SSL_CA_FILE');

  // Redis
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:'], 'a redis:// or rediss:// URL', true);
  const redisCa = caFile('REDIS_TLS_CA_FILE');

  // Test hooks staging provides
  const whsec = required('STRIPE_WEBHOOK_SECRET', 'the Stripe webhook signing secret, whsec_…');
  if (whsec !== undefined && !whsec.startsWith('whsec_')) problems.push('STRIPE_WEBHOOK_SECRET must start with whsec_ (a Stripe webhook signing secret)');
  const captcha = required('CAPTCHA_TEST_KEY', "the CAPTCHA service's test key");
  const jwtKey = required('JWT_TEST_SIGNING_KEY', 'the key the expired-token probe signs with');

  // FLOWGATE_* target settings go through the one table (checkFlowgateVars).
  const { settings: fg, problems: fgProblems } = checkFlowgateVars(env, { cwd, only: (Object.keys(FLOWGATE_VARS) as FlowgateVar[]).filter((k) => FLOWGATE_VARS[k].scope === 'target') });
  problems.push(...fgProblems);
  // The default profile lives in this repository, wherever the command is run from; a user's path is relative to cwd.
  const profile = fg.FLOWGATE_PROFILE ?? resolve(__dirname, '..', '..', DEFAULTS.profile);
  if (get('FLOWGATE_PROFILE') === undefined && !existsSync(profile)) problems.push(`FLOWGATE_PROFILE names a file that does not exist: ${profile}`);

  const budgets = {
    stepMs: fg.FLOWGATE_STEP_BUDGET_MS ?? DEFAULTS.stepBudgetMs,
    eventMs: fg.FLOWGATE_EVENT_BUDGET_MS ?? DEFAULTS.eventBudgetMs,
    quotaMs: fg.FLOWGATE_QUOTA_BUDGET_MS ?? DEFAULTS.quotaBudgetMs,
    scanMs: fg.FLOWGATE_SCAN_BUDGET_MS ?? DEFAULTS.scanBudgetMs,
  };
  const allowFlaky = fg.FLOWGATE_ALLOW_FLAKY ?? false;
  const runId = get('FLOWGATE_RUN_ID') ?? generateRunId(opts.now);
  const chromiumPath = chromiumExecutable(env, { exists: opts.exists });

  if (problems.length) throw new ConfigError(problems);
  return {
    // unset: the gateway's host, as the verdict names it (helpers/target.ts targetName)
    name: fg.FLOWGATE_TARGET_NAME ?? (new URL(kongUrl!).hostname.replace(/^\[|\]$/g, '') || DEFAULTS.targetName),
    kong: { url: kongUrl!.replace(/\/+$/, ''), extraHeaders, ...(kongCa ? { caFile: kongCa } : {}) },
    publicEndpoints: fg.FLOWGATE_PUBLIC_ENDPOINTS ?? [defaultEndpoint(kongUrl!)],
    conventionalPorts: fg.FLOWGATE_CONVENTIONAL_PORTS ?? DEFAULT_CONVENTIONAL_PORTS,
    kafka: { brokers, ssl, ...(sslCaFile ? { sslCaFile } : {}), ...(sasl ? { sasl } : {}), observerGroupPrefix },
    db: db as TargetConfig['db'],
    ...(dbSslCaFile ? { dbSslCaFile } : {}),
    redis: { url: redisUrl!, ...(redisCa ? { tlsCaFile: redisCa } : {}) },
    stripeWebhookSecret: whsec!,
    captchaTestKey: captcha!,
    jwtTestSigningKey: jwtKey!,
    ...(fg.FLOWGATE_JWT_PUBLIC_KEY_FILE ? { jwtPublicKeyFile: fg.FLOWGATE_JWT_PUBLIC_KEY_FILE } : {}),
    profile,
    budgets,
    maxBodyBytes: fg.FLOWGATE_MAX_BODY_BYTES ?? DEFAULTS.maxBodyBytes,
    allowFlaky,
    runId,
    chromiumPath,
  };
}

/** Why a CA file's bytes are not PEM certificates (undefined when they are); pure, so unit-tested. */
export function pemProblem(bytes: Buffer | string): string | undefined {
  const text = Buffer.isBuffer(bytes) ? bytes.toString('utf8') : bytes;
  if (text.trim() === '') return 'is empty';
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return /-----BEGIN /.test(text) ? 'holds PEM blocks but no CERTIFICATE' : 'is not PEM (DER or another format? convert it with `openssl x509 -inform der -in file -out file.pem`)';
  for (const b of blocks) {
    const body = b.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+=*$/.test(body) || Buffer.from(body, 'base64').length < 100) return 'holds a CERTIFICATE block that is not valid base64 DER';
  }
  return undefined;
}

/** host:port of a URL, with the scheme's default port. */
export function defaultEndpoint(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}


/**
 * Loads a dotenv file into `env` without overriding anything already set there (the environment wins, so
 * CI can override a developer's .env). The file is `path`, else FLOWGATE_ENV_FILE, else `.env`; a missing
 * `.env` is fine, a missing file the user named is a ConfigError.
 */
export function loadEnvFile(path?: string, env: Env = process.env): { path: string; loaded: string[] } {
  const named = path ?? env.FLOWGATE_ENV_FILE;
  const file = resolve(named ?? '.env');
  if (!existsSync(file)) {
    if (named) throw new ConfigError([`env file ${named} (FLOWGATE_ENV_FILE) does not exist`]);
    return { path: file, loaded: [] };
  }
  const parsed = parseDotenv(readFileSync(file));
  const loaded: string[] = [];
  for (const [k, v] of Object.entries(parsed)) {
    if (env[k] !== undefined) continue;
    env[k] = v;
    loaded.push(k);
  }
  return { path: file, loaded };
}

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
