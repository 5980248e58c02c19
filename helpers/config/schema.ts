// Every environment variable flowgate reads, in one table: its scope (who reads it), parser, whether it is secret, and the line that documents it.
import * as p from './parsers';
import type { Parser } from './parsers';

// The service databases the flows inspect: contracts/databases.ts names them once (key, database, variable, optional).
import { DB_VARS, OPTIONAL_DBS, type DbKey as DbName } from '../../contracts/databases';
export { DB_VARS, OPTIONAL_DBS, type DbKey as DbName } from '../../contracts/databases';

const DB_DOCS: Record<DbName, string> = {
  auth: "qr-auth-service's database (users, hash-chained audit log)",
  email: "email-service's database (the mail it sent, where verification tokens are read)",
  subscription: "subscription-service's database (subscriptions, usage)",
  assets: "asset-management-service's database (assets, asset audit)",
  verification: "asset-verification-service's database (ownership proofs; optional)",
  scans: "scan-api-service's database (scans)",
  tools: "the scan engines' database (scan audit trail)",
  vulnerabilities: "vulnerability-management-service's database (vulnerabilities)",
  checkout: "checkout-orchestration-service's database (checkout sessions; optional)",
  payments: "payment-processing-service's database (payments, payment audit)",
  invoices: "invoice-service's database (invoices)",
};

/** Who reads a variable: the harness (scripts, runner, workers), the target's connection, or the embedded stack and its install. */
export type Scope = 'harness' | 'target' | 'stack';
/** The section a variable is documented under (.env.example and docs/configuration.md). */
export type Group = 'target' | 'gateway' | 'kafka' | 'postgres' | 'redis' | 'hooks' | 'probes' | 'budgets' | 'verdict' | 'run' | 'history' | 'browser' | 'stack' | 'internal' | 'compose';

export interface VarSpec<T = unknown> {
  scope: Scope;
  group: Group;
  /** absent: the value is used as text (or by a program other than flowgate) */
  parse?: Parser<T>;
  /** the value, or part of it, is a credential: redacted everywhere, never printed */
  secret?: boolean;
  /** set: the target cannot do without it; the text says what it is */
  required?: string;
  doc: string;
}

const dbEntries = Object.fromEntries(
  (Object.entries(DB_VARS) as [DbName, string][]).map(([k, name]) => [
    name,
    { scope: 'target', group: 'postgres', parse: p.postgresUrl, secret: true, ...(OPTIONAL_DBS.includes(k) ? {} : { required: p.postgresUrl.what }), doc: DB_DOCS[k] } satisfies VarSpec<string>,
  ]),
) as unknown as Record<(typeof DB_VARS)[DbName], VarSpec<string>>;

/** The whole configuration. tests/unit/env-vars.test.ts holds the code, .env.example and docs/configuration.md to it. */
export const CONFIG_VARS = {
  FLOWGATE_TARGET_NAME: { scope: 'target', group: 'target', parse: p.token, doc: "the target's name in reports and the console (letters, digits, . _ -); unset: the gateway's host. A name or host saying prod, production or live is refused" },
  FLOWGATE_TARGET: { scope: 'target', group: 'target', parse: p.targetKind, doc: 'embedded or staging: which target the run is meant for; unset: staging when a target variable is set, else embedded' },
  FLOWGATE_RUN_ID: { scope: 'target', group: 'target', parse: p.token, doc: "the run's id (at most 64 of letters, digits, . _ -), tagging its users, tenants and consumer groups; unset: one per run" },

  KONG_URL: { scope: 'target', group: 'gateway', parse: p.gatewayUrl, required: p.gatewayUrl.what, doc: "base URL of the gateway's proxy (https://… on staging)" },
  KONG_EXTRA_HEADERS: { scope: 'target', group: 'gateway', parse: p.headersJson, secret: true, doc: 'JSON object of extra headers sent on every gateway request, e.g. {"apikey":"…"}' },
  KONG_CA_FILE: { scope: 'target', group: 'gateway', parse: p.caFile, doc: "PEM file of the CA that signed the gateway's certificate (when it is not a public CA)" },
  FLOWGATE_PUBLIC_ENDPOINTS: { scope: 'target', group: 'gateway', parse: p.hostPorts, doc: "comma-separated host:port of every public endpoint criterion 4 tries in plain HTTP; default the gateway's" },
  FLOWGATE_CONVENTIONAL_PORTS: { scope: 'target', group: 'gateway', parse: p.conventionalPorts, doc: 'role=port/port,… tried in plaintext on the gateway, broker and Redis hosts (criteria 4, 5, 6); unset: http=80/8000,admin=8001/8444,kafka=9092,redis=6379' },

  KAFKA_BROKERS: { scope: 'target', group: 'kafka', parse: p.hostPorts, required: 'comma-separated host:port list', doc: 'comma-separated bootstrap brokers, host:port' },
  KAFKA_SSL: { scope: 'target', group: 'kafka', parse: p.boolean, doc: 'true to connect over TLS; implied when KAFKA_SSL_CA_FILE is set' },
  KAFKA_SSL_CA_FILE: { scope: 'target', group: 'kafka', parse: p.caFile, doc: "PEM file of the CA that signed the brokers' certificates" },
  KAFKA_SASL_MECHANISM: { scope: 'target', group: 'kafka', parse: p.saslMechanism, doc: 'SASL mechanism: plain, scram-sha-256 or scram-sha-512; unset for none' },
  KAFKA_SASL_USERNAME: { scope: 'target', group: 'kafka', parse: p.text, doc: 'SASL user name (required with KAFKA_SASL_MECHANISM)' },
  KAFKA_SASL_PASSWORD: { scope: 'target', group: 'kafka', parse: p.text, secret: true, doc: 'SASL password (required with KAFKA_SASL_MECHANISM)' },
  KAFKA_OBSERVER_GROUP_PREFIX: { scope: 'target', group: 'kafka', parse: p.groupPrefix, doc: "prefix of the observer's consumer group ids (the run id is appended), so ACLs can allow exactly these; default flowgate-observer" },

  ...dbEntries,
  DB_SSL_CA_FILE: { scope: 'target', group: 'postgres', parse: p.caFile, doc: "PEM file of the CA that signed the database servers' certificates (with ?sslmode=verify-full)" },

  REDIS_URL: { scope: 'target', group: 'redis', parse: p.redisUrl, secret: true, required: p.redisUrl.what, doc: 'Redis URL (rediss:// for TLS), where the auth service keeps its token blacklist' },
  REDIS_TLS_CA_FILE: { scope: 'target', group: 'redis', parse: p.caFile, doc: "PEM file of the CA that signed Redis's certificate (with rediss://)" },

  STRIPE_WEBHOOK_SECRET: { scope: 'target', group: 'hooks', parse: p.webhookSecret, secret: true, required: 'the Stripe webhook signing secret, whsec_…', doc: 'Stripe webhook signing secret (whsec_…); the harness signs its test webhook with it' },
  CAPTCHA_TEST_KEY: { scope: 'target', group: 'hooks', parse: p.text, secret: true, required: "the CAPTCHA service's test key", doc: "CAPTCHA test key, sent as x-captcha-test-key: the CAPTCHA service then returns the challenge's solution" },
  JWT_TEST_SIGNING_KEY: { scope: 'target', group: 'hooks', parse: p.text, secret: true, required: 'the key the expired-token probe signs with', doc: 'HS256 key the services verify JWTs with; the auth-bypass probes sign expired and wrong tokens with it' },
  FLOWGATE_JWT_PUBLIC_KEY_FILE: { scope: 'target', group: 'hooks', parse: p.existingPath, doc: 'PEM public key an RS/PS/ES-signing target verifies JWTs with, for the algorithm-confusion probe' },

  FLOWGATE_PROFILE: { scope: 'target', group: 'probes', parse: p.existingPath, doc: 'DB probe profile (the SQL the probes run, per target schema); default contracts/profiles/reference.json' },

  FLOWGATE_STEP_BUDGET_MS: { scope: 'target', group: 'budgets', parse: p.milliseconds, doc: 'time budget of one flow step (one API call and its checks); default 15000' },
  FLOWGATE_EVENT_BUDGET_MS: { scope: 'target', group: 'budgets', parse: p.milliseconds, doc: 'how long to wait for an expected Kafka event; default 10000' },
  FLOWGATE_QUOTA_BUDGET_MS: { scope: 'target', group: 'budgets', parse: p.milliseconds, doc: 'how long the quota may take to follow an asset change; default 30000' },
  FLOWGATE_SCAN_BUDGET_MS: { scope: 'target', group: 'budgets', parse: p.milliseconds, doc: 'how long a scan may take to complete; default 60000' },
  FLOWGATE_FLOW_BUDGET_MS: { scope: 'harness', group: 'budgets', parse: p.milliseconds, doc: 'time budget of one whole flow (a Playwright test); default 180000' },
  FLOWGATE_MAX_BODY_BYTES: { scope: 'target', group: 'budgets', parse: p.byteCount, doc: "largest body read from one of the target's answers (and the largest Kafka message kept); larger is NO-GO, not read; default 1048576" },

  FLOWGATE_GAP_URL: { scope: 'harness', group: 'verdict', parse: p.gapUrl, doc: 'URL a check covering a P0 gap links to in Allure; %s is the gap id' },
  FLOWGATE_ALLOW_FLAKY: { scope: 'target', group: 'verdict', parse: p.boolean, doc: 'true lets a pass that needed a retry count as GO; default false (NO-GO)' },
  FLOWGATE_SOURCE_DIR: { scope: 'harness', group: 'verdict', parse: p.existingPath, doc: 'criterion 3: a checkout of the deployed services to scan for hardcoded secrets; unset, the criterion awaits sign-off' },
  FLOWGATE_SIGNOFFS: { scope: 'harness', group: 'verdict', parse: p.path, doc: 'YAML file of sign-offs for what no run can see' },
  FLOWGATE_SIGNOFF_MAX_AGE_DAYS: { scope: 'harness', group: 'verdict', parse: p.positiveInt, doc: 'how many days a sign-off stands; default 30' },

  FLOWGATE_WORKERS: { scope: 'harness', group: 'run', parse: p.positiveInt, doc: 'parallel Playwright workers; default one per core, one core left to a target on this machine (the embedded stack, a loopback KONG_URL)' },
  FLOWGATE_RETRIES: { scope: 'harness', group: 'run', parse: p.countFrom0, doc: 'retries of a failed flow; a pass on retry is flaky, NO-GO unless FLOWGATE_ALLOW_FLAKY; default 0' },
  FLOWGATE_ENV_FILE: { scope: 'harness', group: 'run', parse: p.path, doc: "dotenv file with the target's variables; default .env (variables already in the environment win)" },
  FLOWGATE_REPORTS_DIR: { scope: 'harness', group: 'run', parse: p.path, doc: "folder of the run's output (go-no-go.json/md, junit.xml, allure-results, history); default reports/" },
  FLOWGATE_SHARDS_EXPECTED: { scope: 'harness', group: 'run', parse: p.positiveInt, doc: 'npm run merge-reports: how many shards the run had; a missing shard is NO-GO' },
  FLOWGATE_STACK_LOG: { scope: 'harness', group: 'run', parse: p.boolean, doc: "true prints the embedded stack's progress during npm run smoke" },
  FLOWGATE_VERBOSE: { scope: 'harness', group: 'run', parse: p.boolean, doc: 'true: the console shows every step of every test, not only a failed test\'s (npm run smoke -- --verbose sets it)' },
  FLOWGATE_CODE_CACHE: { scope: 'harness', group: 'run', parse: p.boolean, doc: "Node's compile cache (module.enableCompileCache) kept on disk between processes (scripts/code-cache.cjs); default true" },
  FLOWGATE_CODE_CACHE_DIR: { scope: 'harness', group: 'run', parse: p.path, doc: 'where that cache lives; default node_modules/.cache/flowgate-compile' },
  FLOWGATE_CODE_CACHE_STATS: { scope: 'harness', group: 'run', parse: p.boolean, doc: "true prints, at each process's exit, how many cached modules it used, rejected and wrote" },

  FLOWGATE_HISTORY: { scope: 'harness', group: 'history', parse: p.path, doc: "one line per run that sinceLastGo and flaky pass rates read; default the reports folder's history.jsonl" },
  FLOWGATE_FLAKY_WINDOW: { scope: 'harness', group: 'history', parse: p.positiveInt, doc: "how many past runs a flaky test's pass rate covers; default 10" },
  FLOWGATE_ALLURE_HISTORY: { scope: 'harness', group: 'history', parse: p.path, doc: "Allure's own history for npm run report; default the reports folder's allure-history.jsonl" },

  CHROMIUM_PATH: { scope: 'harness', group: 'browser', parse: p.text, doc: "Chromium executable of the dashboard step; default Debian's headless shell, else /usr/bin/chromium" },

  FLOWGATE_KAFKA_JARS: { scope: 'stack', group: 'stack', parse: p.path, doc: "folder of the Kafka broker's jars; default .cache/kafka/jars" },
  FLOWGATE_PG_BINDIR: { scope: 'stack', group: 'stack', parse: p.path, doc: "folder of PostgreSQL 15's binaries; default /usr/lib/postgresql/15/bin or pg_config --bindir" },
  FLOWGATE_SKIP_KAFKA_FETCH: { scope: 'stack', group: 'stack', parse: p.boolean, doc: 'true: npm ci does not fetch the Kafka jars (a machine that only targets staging)' },
  FLOWGATE_SKIP_CHROMIUM: { scope: 'stack', group: 'stack', parse: p.boolean, doc: "true: npm ci does not install Debian's chromium" },
  STACK_FAULTS: { scope: 'stack', group: 'stack', parse: p.text, doc: 'comma-separated faults the embedded stack injects at start (npm run stack -- --list-faults lists them)' },
  STACK_VERBOSE: { scope: 'stack', group: 'stack', parse: p.boolean, doc: "true: npm run stack prints the services' logs on stderr" },
  STACK_KAFKA_VERSION: { scope: 'stack', group: 'stack', parse: p.text, doc: 'the embedded broker\'s Kafka line: unset runs 4.4; 3.9 runs 3.9.1 (fetched by STACK_KAFKA_VERSION=3.9 bash scripts/install-deps.sh), for a staging that still runs it' },

  FLOWGATE_TARGET_CONFIG: { scope: 'harness', group: 'internal', parse: p.text, secret: true, doc: 'global setup: the target decided and parsed once, as JSON, for the workers (helpers/config/run-target.ts)' },
  FLOWGATE_ALLURE_RESULTS_DIR: { scope: 'harness', group: 'internal', parse: p.path, doc: "npm run smoke: a shard's own Allure results folder" },
  FLOWGATE_SHARDS_SEEN: { scope: 'harness', group: 'internal', parse: p.shardList, doc: 'npm run merge-reports: which shards were merged, e.g. 1,2' },
  FLOWGATE_PLAINTEXT: { scope: 'harness', group: 'internal', parse: p.boolean, doc: 'npm run smoke -- --plaintext: tells global setup that a staging target in clear runs on purpose' },
  FLOWGATE_RUN_LEDGER: { scope: 'harness', group: 'internal', parse: p.path, doc: "npm run smoke: the run's secret ledger (tokens the workers obtained, for the artifact scan), outside the reports folder" },
  FLOWGATE_KEEP_TMP: { scope: 'harness', group: 'internal', parse: p.boolean, doc: "flowgate's own tests: true keeps their throwaway projects for a look" },
  BENCH_RAW_FILE: { scope: 'harness', group: 'internal', parse: p.path, doc: "npm run bench: where one run's raw timings go (the bench reporter writes it)" },

  POSTGRES_PASSWORD: { scope: 'stack', group: 'compose', secret: true, doc: "docker-compose.test.yml: password of the postgres superuser; must match the *_DB_URL passwords" },
  REDIS_PASSWORD: { scope: 'stack', group: 'compose', secret: true, doc: 'docker-compose.test.yml: password of the Redis ACL user flowgate; must match REDIS_URL' },
  CSRF_ENCRYPTION_KEY: { scope: 'stack', group: 'compose', secret: true, doc: "docker-compose.test.yml: qr-auth-service's key for CSRF tokens (required, no random fallback)" },
} as const satisfies Record<string, VarSpec>;

export type ConfigVar = keyof typeof CONFIG_VARS;
export type FlowgateVar = Extract<ConfigVar, `FLOWGATE_${string}`>;
export type ParsedOf<K extends ConfigVar> = (typeof CONFIG_VARS)[K] extends { parse: Parser<infer T> } ? T : string;
/** The parsed value of every FLOWGATE_* variable that is set. */
export type FlowgateSettings = { [K in FlowgateVar]?: ParsedOf<K> };

/** The FLOWGATE_* part of the schema (the harness's own settings). */
export const FLOWGATE_VARS = Object.fromEntries(Object.entries(CONFIG_VARS).filter(([k]) => k.startsWith('FLOWGATE_'))) as Pick<typeof CONFIG_VARS, FlowgateVar>;
export const specOf = (name: string): VarSpec | undefined => (CONFIG_VARS as Record<string, VarSpec>)[name];
/** The names of the variables of one scope. */
export const varsOf = (scope: Scope): ConfigVar[] => (Object.keys(CONFIG_VARS) as ConfigVar[]).filter((k) => CONFIG_VARS[k].scope === scope);
