// The target's configuration: parsed and validated from its variables in one go, one small function per part (gateway, Kafka, databases, Redis, test hooks, flowgate's settings).
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ConfigError } from '../errors';
import { DEFAULT_CONVENTIONAL_PORTS, type ConventionalPorts } from '../transport';
import type { Env, SaslMechanism } from './parsers';
import { VarReader } from './read';
import { CONFIG_VARS, DB_VARS, OPTIONAL_DBS, type ConfigVar, type DbName, type FlowgateSettings, type FlowgateVar } from './schema';

export const DEFAULTS = {
  targetName: 'staging',
  observerGroupPrefix: 'flowgate-observer',
  profile: 'contracts/profiles/reference.json',
  stepBudgetMs: 15_000,
  eventBudgetMs: 10_000,
  // "the quota syncs within 30 s"
  quotaBudgetMs: 30_000,
  scanBudgetMs: 60_000,
  chromiumPath: '/usr/bin/chromium',
  // Debian's old headless shell (package chromium-headless-shell): what Playwright itself runs for headless Chromium
  headlessShellPath: '/usr/bin/chromium-headless-shell',
  // every answer the flows expect is a few KiB; a body past this is a hostile or broken target (helpers/body.ts)
  maxBodyBytes: 1024 * 1024,
} as const;

/**
 * The Chromium of the dashboard steps: CHROMIUM_PATH when set; else, for a headless run, Debian's headless shell when
 * installed (measured here: launch, one page and close in 0.85 CPU-s and 0.6 s, against 1.7 CPU-s and 2 s for the full
 * browser); else Debian's chromium. A headed or debug run (--headed, --debug, --ui, PWDEBUG) needs the full browser.
 */
export { chromiumExecutable } from '../../contracts/connection';
import { chromiumExecutable } from '../../contracts/connection';

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

/** host:port of a URL, with the scheme's default port. */
export function defaultEndpoint(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}

type Opt<T> = T extends undefined ? never : T;
const optional = <K extends string, V>(key: K, v: V | undefined): Partial<Record<K, Opt<V>>> => (v === undefined ? {} : ({ [key]: v } as Record<K, Opt<V>>));

function gateway(r: VarReader) {
  const url = r.need<string>('KONG_URL');
  const caFile = r.get<string>('KONG_CA_FILE');
  return { url, kong: { url: (url ?? '').replace(/\/+$/, ''), extraHeaders: r.get<Record<string, string>>('KONG_EXTRA_HEADERS') ?? {}, ...optional('caFile', caFile) } };
}

function kafka(r: VarReader): TargetConfig['kafka'] {
  const brokers = r.need<string[]>('KAFKA_BROKERS') ?? [];
  const sslCaFile = r.get<string>('KAFKA_SSL_CA_FILE');
  const ssl = r.get<boolean>('KAFKA_SSL') ?? sslCaFile !== undefined;
  const mechRaw = r.raw('KAFKA_SASL_MECHANISM');
  let sasl: TargetConfig['kafka']['sasl'];
  if (mechRaw !== undefined) {
    const mechanism = r.get<SaslMechanism>('KAFKA_SASL_MECHANISM');
    const because = `needed because KAFKA_SASL_MECHANISM is ${mechRaw}`;
    const username = r.need<string>('KAFKA_SASL_USERNAME', because);
    const password = r.need<string>('KAFKA_SASL_PASSWORD', because);
    if (mechanism && username !== undefined && password !== undefined) sasl = { mechanism, username, password };
  } else if (r.raw('KAFKA_SASL_USERNAME') !== undefined || r.raw('KAFKA_SASL_PASSWORD') !== undefined) {
    // Credentials without a mechanism would silently connect unauthenticated; say so instead.
    r.problems.push('KAFKA_SASL_MECHANISM is required when KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD are set (plain, scram-sha-256 or scram-sha-512)');
  }
  const observerGroupPrefix = r.get<string>('KAFKA_OBSERVER_GROUP_PREFIX') ?? DEFAULTS.observerGroupPrefix;
  return { brokers, ssl, ...optional('sslCaFile', sslCaFile), ...optional('sasl', sasl), observerGroupPrefix };
}

function databases(r: VarReader): Pick<TargetConfig, 'db' | 'dbSslCaFile'> {
  const db: Record<string, string | undefined> = {};
  for (const [key, name] of Object.entries(DB_VARS) as [DbName, ConfigVar][]) db[key] = OPTIONAL_DBS.includes(key) ? r.get<string>(name) : r.need<string>(name);
  return { db: db as TargetConfig['db'], ...optional('dbSslCaFile', r.get<string>('DB_SSL_CA_FILE')) };
}

function redis(r: VarReader): TargetConfig['redis'] {
  return { url: r.need<string>('REDIS_URL') ?? '', ...optional('tlsCaFile', r.get<string>('REDIS_TLS_CA_FILE')) };
}

function testHooks(r: VarReader): Pick<TargetConfig, 'stripeWebhookSecret' | 'captchaTestKey' | 'jwtTestSigningKey'> {
  return {
    stripeWebhookSecret: r.need<string>('STRIPE_WEBHOOK_SECRET') ?? '',
    captchaTestKey: r.need<string>('CAPTCHA_TEST_KEY') ?? '',
    jwtTestSigningKey: r.need<string>('JWT_TEST_SIGNING_KEY') ?? '',
  };
}

/** The FLOWGATE_* variables of the target's scope, through the same reader. */
function targetSettings(r: VarReader): FlowgateSettings {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(CONFIG_VARS) as ConfigVar[]) {
    if (!name.startsWith('FLOWGATE_') || CONFIG_VARS[name].scope !== 'target') continue;
    const v = r.get(name as FlowgateVar);
    if (v !== undefined) out[name] = v;
  }
  return out as FlowgateSettings;
}

function settingsPart(r: VarReader, fg: FlowgateSettings, opts: { now?: Date; exists?: (p: string) => boolean }) {
  // The default profile lives in this repository, wherever the command is run from; a user's path is relative to cwd.
  const profile = fg.FLOWGATE_PROFILE ?? resolve(__dirname, '..', '..', DEFAULTS.profile);
  if (r.raw('FLOWGATE_PROFILE') === undefined && !existsSync(profile)) r.problems.push(`FLOWGATE_PROFILE names a file that does not exist: ${profile}`);
  return {
    ...optional('jwtPublicKeyFile', fg.FLOWGATE_JWT_PUBLIC_KEY_FILE),
    profile,
    budgets: {
      stepMs: fg.FLOWGATE_STEP_BUDGET_MS ?? DEFAULTS.stepBudgetMs,
      eventMs: fg.FLOWGATE_EVENT_BUDGET_MS ?? DEFAULTS.eventBudgetMs,
      quotaMs: fg.FLOWGATE_QUOTA_BUDGET_MS ?? DEFAULTS.quotaBudgetMs,
      scanMs: fg.FLOWGATE_SCAN_BUDGET_MS ?? DEFAULTS.scanBudgetMs,
    },
    maxBodyBytes: fg.FLOWGATE_MAX_BODY_BYTES ?? DEFAULTS.maxBodyBytes,
    allowFlaky: fg.FLOWGATE_ALLOW_FLAKY ?? false,
    runId: r.raw('FLOWGATE_RUN_ID') ?? generateRunId(opts.now),
    chromiumPath: chromiumExecutable(r.env, { exists: opts.exists }),
  };
}

/**
 * Validates every variable and returns the whole configuration, or throws one ConfigError listing every
 * missing or malformed variable (a user fixes them all in one go; nothing half-runs). Values quoted in
 * problems have credentials removed, because the error is printed and reported.
 */
export function parseTargetConfig(env: Env, opts: { cwd?: string; now?: Date; exists?: (p: string) => boolean } = {}): TargetConfig {
  const r = new VarReader(env, opts.cwd ?? process.cwd());
  const { url, kong } = gateway(r);
  const parts = { kafka: kafka(r), ...databases(r), redis: redis(r), ...testHooks(r) };
  const fg = targetSettings(r);
  const settings = settingsPart(r, fg, opts);
  if (r.problems.length) throw new ConfigError(r.problems);
  return {
    // unset: the gateway's host, as the verdict names it (helpers/config/target.ts targetName)
    name: fg.FLOWGATE_TARGET_NAME ?? (new URL(url!).hostname.replace(/^\[|\]$/g, '') || DEFAULTS.targetName),
    kong,
    publicEndpoints: fg.FLOWGATE_PUBLIC_ENDPOINTS ?? [defaultEndpoint(url!)],
    conventionalPorts: fg.FLOWGATE_CONVENTIONAL_PORTS ?? DEFAULT_CONVENTIONAL_PORTS,
    ...parts,
    ...settings,
  };
}
