// Static checks of docker-compose.test.yml (no engine runs here): valid Compose, the whole stack present, and in step with kong.yml, the init script and .env.example.
import { test, expect } from '@playwright/test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { parse as parseDotenv } from 'dotenv';
import { contracts } from '../../contracts';
import { TARGET_VARS as TARGET_SWITCHES } from '../../helpers/config/target';
import { KONG_FILE } from '../../stack/gateway/routes';
import { DATABASE_NAMES } from '../../contracts/databases';

const repoRoot = join(__dirname, '..', '..');
// The Compose Specification's schema as the dclint package ships it (its exports map hides the file, so resolve from package.json).
const COMPOSE_SCHEMA = join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
const COMPOSE_FILE = join(repoRoot, 'docker-compose.test.yml');
const ENV_EXAMPLE = join(repoRoot, '.env.example');

const DATABASES: string[] = DATABASE_NAMES;

// the variables a target takes (the design and the issue); .env.example must document each
const TARGET_VARS = [
  'FLOWGATE_TARGET_NAME', 'KONG_URL', 'KONG_EXTRA_HEADERS', 'KONG_CA_FILE', 'FLOWGATE_PUBLIC_ENDPOINTS',
  'KAFKA_BROKERS', 'KAFKA_SSL', 'KAFKA_SSL_CA_FILE', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_OBSERVER_GROUP_PREFIX',
  'AUTH_DB_URL', 'EMAIL_DB_URL', 'SUBSCRIPTION_DB_URL', 'ASSETS_DB_URL', 'VERIFICATION_DB_URL', 'SCANS_DB_URL', 'TOOLS_DB_URL',
  'VULNERABILITIES_DB_URL', 'CHECKOUT_DB_URL', 'PAYMENTS_DB_URL', 'INVOICES_DB_URL', 'DB_SSL_CA_FILE',
  'REDIS_URL', 'REDIS_TLS_CA_FILE', 'STRIPE_WEBHOOK_SECRET', 'CAPTCHA_TEST_KEY', 'JWT_TEST_SIGNING_KEY',
  'FLOWGATE_PROFILE', 'FLOWGATE_STEP_BUDGET_MS', 'FLOWGATE_EVENT_BUDGET_MS', 'FLOWGATE_QUOTA_BUDGET_MS', 'FLOWGATE_SCAN_BUDGET_MS',
  'FLOWGATE_ALLOW_FLAKY', 'CHROMIUM_PATH',
];
const DB_URL_VARS = TARGET_VARS.filter((v) => v.endsWith('_DB_URL'));
// values that are secrets: the compose file may only take them from the environment
const SECRET_VARS = ['JWT_TEST_SIGNING_KEY', 'STRIPE_WEBHOOK_SECRET', 'CAPTCHA_TEST_KEY', 'CSRF_ENCRYPTION_KEY', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'KAFKA_SASL_PASSWORD'];
// where scripts/compose-certs.sh puts the CA and server certificates the compose file mounts
const CERTS_DIR = './.compose-certs';

// Compose files use YAML merge keys (<<: *anchor), as docker compose does.
const compose = () => parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true });

interface EnvDoc {
  values: Record<string, string>;
  /** variable → the comment line right above its assignment */
  comments: Record<string, string | undefined>;
  order: string[];
}

function envExample(): EnvDoc {
  // The target variables are commented out (#KONG_URL=…) so a copy keeps the embedded stack; compose's values are those lines.
  const text = readFileSync(ENV_EXAMPLE, 'utf8').replace(new RegExp(`^#(?=(${TARGET_SWITCHES.join('|')})=)`, 'gm'), '');
  const lines = text.split('\n');
  const comments: Record<string, string | undefined> = {};
  const order: string[] = [];
  lines.forEach((line, i) => {
    const m = /^([A-Z][A-Z0-9_]*)=/.exec(line);
    if (!m) return;
    order.push(m[1]);
    const prev = lines[i - 1] ?? '';
    comments[m[1]] = /^#\s*\S/.test(prev) ? prev : undefined;
  });
  return { values: parseDotenv(text), comments, order };
}

/** Every variable a Compose string interpolates ($VAR, ${VAR}, ${VAR:-x}, ${VAR:?x}); $$ is a literal dollar. */
function interpolated(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '$') continue;
    if (s[i + 1] === '$') {
      i++;
      continue;
    }
    const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))/.exec(s.slice(i));
    if (m) out.push(m[1] ?? m[2]);
  }
  return out;
}

function walkStrings(node: unknown, visit: (s: string, path: string) => void, path = ''): void {
  if (typeof node === 'string') visit(node, path);
  else if (Array.isArray(node)) node.forEach((n, i) => walkStrings(n, visit, `${path}[${i}]`));
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) {
    walkStrings(k, visit, `${path}.${k}(key)`);
    walkStrings(v, visit, `${path}.${k}`);
  }
}

/** container port → published host port, from short ("8000:8000", "127.0.0.1:8000:8000") or long syntax. */
function publishedPorts(service: any): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of service.ports ?? []) {
    if (typeof p === 'object') {
      if (p.published !== undefined) out.set(Number(p.target), Number(p.published));
      continue;
    }
    const parts = String(p).split('/')[0].split(':');
    if (parts.length >= 2) out.set(Number(parts[parts.length - 1]), Number(parts[parts.length - 2]));
  }
  return out;
}

/** The environment of a service as a map, whichever syntax (map or KEY=value list) it uses. */
function envOf(service: any): Record<string, string> {
  const e = service.environment ?? {};
  if (!Array.isArray(e)) return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v == null ? '' : String(v)]));
  return Object.fromEntries(e.map((kv: string) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)]));
}

/** host path → container path (and read-only) of a service's bind mounts, short or long syntax. */
function binds(service: any): { source: string; target: string; readOnly: boolean }[] {
  return (service.volumes ?? []).map((v: any) => {
    if (typeof v === 'object') return { source: v.source, target: v.target, readOnly: !!v.read_only };
    const [source, target, mode] = String(v).split(':');
    return { source, target, readOnly: (mode ?? '').split(',').includes('ro') };
  });
}

/** The database a compose DATABASE_URL names (its password is an interpolation, so it is no parsable URL). */
const dbOf = (url: string) => url.split('/').pop()!.split('?')[0];

/** A command given as a list or a string, as one string (the one-shots' scripts are one list item). */
const commandText = (c: any) => [].concat(c.entrypoint ?? [], c.command ?? []).join(' ');

/** Kafka's listener name → security protocol, and name → container port / advertised address. */
function kafkaListeners(env: Record<string, string>) {
  const split = (v: string) => new Map(v.split(',').map((l) => { const m = /^([A-Za-z0-9_-]+):\/\/(.*)$/.exec(l.trim())!; return [m[1], m[2]] as [string, string]; }));
  const protocol = new Map(env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP.split(',').map((p) => p.split(':') as [string, string]));
  return { protocol, listeners: split(env.KAFKA_LISTENERS), advertised: split(env.KAFKA_ADVERTISED_LISTENERS) };
}

/** The value after a redis-server flag in the compose command (list form). */
const redisFlag = (redis: any, flag: string): string | undefined => {
  const args: string[] = [].concat(redis.command ?? []).map(String);
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
};
const redisTlsPort = (redis: any) => Number(redisFlag(redis, '--tls-port'));

function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  const dflt: Record<string, number> = { 'http:': 80, 'https:': 443, 'redis:': 6379, 'rediss:': 6379, 'postgres:': 5432, 'postgresql:': 5432 };
  return { host: u.hostname, port: u.port ? Number(u.port) : dflt[u.protocol] };
}

test('docker-compose.test.yml parses and validates against the Compose Specification schema', () => {
  const schema = JSON.parse(readFileSync(COMPOSE_SCHEMA, 'utf8'));
  expect(schema.title).toBe('Compose Specification');
  // The spec names its meta-schema as https://json-schema.org/draft-07/schema, an alias ajv does not register;
  // ajv's default dialect is draft-07 already, so the declaration can go.
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const doc = compose();
  validate(doc);
  expect(validate.errors ?? [], 'compose-spec errors').toEqual([]);
  // positive control: the schema rejects what Compose rejects
  expect(validate({ ...doc, services: { ...doc.services, redis: { ...doc.services.redis, restart_policy: 'always' } } })).toBe(false);
  expect(validate({ ...doc, services: { ...doc.services, redis: { ...doc.services.redis, depends_on: 'postgres' } } })).toBe(false);
});

test('the infrastructure is there on official images: Kafka (KRaft), PostgreSQL, Redis, Kong, and the topic creator', () => {
  const s = compose().services;
  expect(s.kafka.image).toMatch(/^apache\/kafka:3\.9\.\d+$/);
  const kafkaEnv = envOf(s.kafka);
  expect(kafkaEnv.KAFKA_PROCESS_ROLES).toBe('broker,controller');
  expect(kafkaEnv.KAFKA_CONTROLLER_QUORUM_VOTERS).toBeTruthy();
  expect(s.postgres.image).toBe('postgres:15');
  expect(s.redis.image).toBe('redis:7');
  expect(s.kong.image).toBe('kong:3.9');
  expect(s.topics.image).toBe(s.kafka.image);
  expect(s.topics.depends_on.kafka.condition).toBe('service_healthy');
});

test('the topic creator creates every frozen topic of the contract', () => {
  const script = [].concat(compose().services.topics.command).join('\n');
  const missing = contracts()
    .concreteTopics()
    .filter((t) => !new RegExp(`(^|\\s)${t.replace(/\./g, '\\.')}(\\s|;|\\\\|$)`, 'm').test(script));
  expect(missing).toEqual([]);
});

test('every x-services service is a container of its own name, built from the repo, listening on 8080 with its health check', () => {
  const s = compose().services;
  expect(existsSync(join(repoRoot, 'Dockerfile'))).toBe(true);
  for (const svc of contracts().services) {
    const c = s[svc.name];
    expect(c, `service ${svc.name}`).toBeDefined();
    expect(c.container_name).toBe(svc.name);
    expect(c.build).toMatchObject({ context: '.', dockerfile: 'Dockerfile' });
    expect(c.command).toEqual([svc.name]);
    const env = envOf(c);
    expect(env.PORT).toBe('8080');
    expect(env.KAFKA_BROKERS).toBe('kafka:19092');
    // the services reach Kafka, Redis and PostgreSQL as a staging client does: TLS verified against the mounted CA, SASL/SCRAM
    expect(env.KAFKA_SSL).toBe('true');
    expect(env.KAFKA_SASL_MECHANISM).toBe('scram-sha-512');
    expect(env.KAFKA_SASL_USERNAME).toMatch(/^\$\{KAFKA_SASL_USERNAME:\?/);
    expect(env.KAFKA_SASL_PASSWORD).toMatch(/^\$\{KAFKA_SASL_PASSWORD:\?/);
    expect(env.REDIS_URL).toMatch(/^rediss:\/\/flowgate:\$\{REDIS_PASSWORD:\?[^}]+\}@redis:6379$/);
    for (const k of ['KAFKA_SSL_CA_FILE', 'REDIS_TLS_CA_FILE', 'DB_SSL_CA_FILE']) {
      expect(env[k], `${svc.name} ${k}`).toBe('/certs/ca.pem');
      expect(binds(c).find((b) => b.target === '/certs'), `${svc.name} mounts the certificates`).toMatchObject({ source: CERTS_DIR, readOnly: true });
    }
    if (env.DATABASE_URL) expect(env.DATABASE_URL, svc.name).toMatch(/@postgres:5432\/[a-z_]+\?sslmode=verify-full$/);
    for (const k of ['JWT_TEST_SIGNING_KEY', 'STRIPE_WEBHOOK_SECRET', 'CAPTCHA_TEST_KEY', 'CSRF_ENCRYPTION_KEY']) expect(env[k], `${svc.name} ${k}`).toBeTruthy();
    expect(c.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:8080${svc.health}`);
    for (const dep of ['topics', 'postgres', 'redis']) expect(c.depends_on[dep], `${svc.name} depends on ${dep}`).toBeDefined();
  }
});

test('the Dockerfile runs one service with stack/services/run.ts on port 8080', () => {
  const df = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  expect(df).toMatch(/^FROM node:24/m);
  expect(df).toMatch(/^ENTRYPOINT \[.*"tsx", "stack\/services\/run\.ts"\]/m);
  expect(df).toMatch(/^EXPOSE 8080$/m);
});

test('Kong runs DB-less on the very kong.yml the embedded gateway routes by, mounted read-only', () => {
  const kong = compose().services.kong;
  const env = envOf(kong);
  expect(env.KONG_DATABASE).toBe('off');
  const mount = binds(kong).find((b) => b.target === env.KONG_DECLARATIVE_CONFIG);
  expect(mount, `a bind mount at ${env.KONG_DECLARATIVE_CONFIG}`).toBeDefined();
  expect(mount!.readOnly).toBe(true);
  expect(realpathSync(resolve(repoRoot, mount!.source))).toBe(realpathSync(KONG_FILE));
  // Kong waits for the services it proxies, so `docker compose up --wait` means the gateway path works
  for (const svc of contracts().services) expect(kong.depends_on[svc.name]?.condition, svc.name).toBe('service_healthy');
});

test('the init script creates every database, and each service URL names one of them', () => {
  const pg = compose().services.postgres;
  const init = binds(pg).find((b) => b.target.startsWith('/docker-entrypoint-initdb.d/'));
  expect(init).toBeDefined();
  expect(realpathSync(resolve(repoRoot, init!.source))).toBe(realpathSync(join(repoRoot, 'stack', 'compose', 'init-databases.sql')));
  const sql = readFileSync(resolve(repoRoot, init!.source), 'utf8');
  const created = [...sql.matchAll(/^\s*CREATE DATABASE\s+"?([a-z0-9_]+)"?\s*;/gim)].map((m) => m[1]);
  for (const db of DATABASES) expect(created, db).toContain(db);
  for (const [name, c] of Object.entries<any>(compose().services)) {
    const url = envOf(c).DATABASE_URL;
    if (url) expect(created, `${name}'s DATABASE_URL`).toContain(dbOf(url));
  }
});

test("each service's DATABASE_URL names the database its stack module owns", () => {
  const s = compose().services;
  for (const svc of contracts().services) {
    const file = join(repoRoot, 'stack', 'services', `${svc.name}.ts`);
    // services still being written are checked once their module exists
    if (!existsSync(file)) continue;
    // the module's declaration, read as text so this static test starts no service code
    const m = /^\s*database:\s*'([a-z0-9_]+)'/m.exec(readFileSync(file, 'utf8'));
    const url = envOf(s[svc.name]).DATABASE_URL;
    if (m) expect(url && dbOf(url), svc.name).toBe(m[1]);
    else expect(url, `${svc.name} owns no database`).toBeUndefined();
  }
});

test('no secret is written in the compose file: each is required from the environment', () => {
  const problems: string[] = [];
  walkStrings(compose(), (s, path) => {
    for (const v of SECRET_VARS) {
      if (path.endsWith(`.${v}`) && !/^\$\{[A-Z_]+:\?[^}]+\}$/.test(s)) problems.push(`${path} = ${s}`);
    }
    // a password inside a URL must be interpolated too
    const m = /:\/\/[^:/@\s]+:([^@\s]+)@/.exec(s);
    if (m && !/^\$\{[A-Z_]+(:\?[^}]*)?\}$/.test(m[1])) problems.push(`${path} has a literal password in a URL`);
  });
  expect(problems).toEqual([]);
});

test('every variable the compose file interpolates is documented in .env.example', () => {
  const used = new Set<string>();
  walkStrings(compose(), (s) => interpolated(s).forEach((v) => used.add(v)));
  expect(used.size).toBeGreaterThan(0);
  const documented = new Set(envExample().order);
  expect([...used].filter((v) => !documented.has(v))).toEqual([]);
});

test('.env.example documents every target variable once, each with a comment line, and no real secrets', () => {
  const env = envExample();
  const dupes = env.order.filter((v, i) => env.order.indexOf(v) !== i);
  expect(dupes).toEqual([]);
  for (const v of TARGET_VARS) {
    expect(env.order, v).toContain(v);
    expect(env.comments[v], `comment line above ${v}`).toBeTruthy();
  }
  // placeholders only: nothing that looks like a generated key
  for (const v of ['STRIPE_WEBHOOK_SECRET', 'CAPTCHA_TEST_KEY', 'JWT_TEST_SIGNING_KEY', 'KAFKA_SASL_PASSWORD', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'CSRF_ENCRYPTION_KEY'])
    expect(env.values[v] ?? '', v).toMatch(/^(|whsec_replace_me|replace-me.*|change-me)$/);
  expect(env.comments.KAFKA_SASL_MECHANISM).toMatch(/plain.*scram-sha-256.*scram-sha-512/);
  expect(env.comments.REDIS_URL).toContain('rediss://');
});

test("the compose host ports agree with .env.example's KONG_URL, KAFKA_BROKERS, DB URLs and REDIS_URL", () => {
  const s = compose().services;
  const env = envExample().values;

  const kong = hostPort(env.KONG_URL);
  expect(kong.host).toBe('localhost');
  expect(new URL(env.KONG_URL).protocol).toBe('https:');
  const proxyPort = Number(/:(\d+)\s+ssl\b/.exec(envOf(s.kong).KONG_PROXY_LISTEN)?.[1]);
  expect(publishedPorts(s.kong).get(proxyPort)).toBe(kong.port);

  // the broker must both be published on the host port and advertise that address, or clients get redirected elsewhere
  const brokers = env.KAFKA_BROKERS.split(',');
  expect(brokers).toHaveLength(1);
  const [bHost, bPort] = brokers[0].split(':');
  const advertised = envOf(s.kafka).KAFKA_ADVERTISED_LISTENERS.split(',').map((l) => l.replace(/^[A-Za-z0-9_-]+:\/\//, ''));
  expect(advertised).toContain(`${bHost}:${bPort}`);
  const listener = envOf(s.kafka).KAFKA_ADVERTISED_LISTENERS.split(',').find((l) => l.endsWith(`//${bHost}:${bPort}`))!.split(':')[0];
  const containerPort = Number(envOf(s.kafka).KAFKA_LISTENERS.split(',').find((l) => l.startsWith(`${listener}://`))!.split(':').pop());
  expect(publishedPorts(s.kafka).get(containerPort)).toBe(Number(bPort));
  // the host's listener is the one the harness's KAFKA_SSL/KAFKA_SASL_* settings speak to
  expect(kafkaListeners(envOf(s.kafka)).protocol.get(listener)).toBe('SASL_SSL');
  expect(env.KAFKA_SSL).toBe('true');
  expect(env.KAFKA_SASL_MECHANISM).toBe('scram-sha-512');
  for (const v of ['KONG_CA_FILE', 'KAFKA_SSL_CA_FILE', 'REDIS_TLS_CA_FILE', 'DB_SSL_CA_FILE']) expect(env[v], v).toBe(`${CERTS_DIR.slice(2)}/ca.pem`);

  const pgPort = publishedPorts(s.postgres).get(5432);
  expect(pgPort).toBeDefined();
  for (const v of DB_URL_VARS) {
    const u = new URL(env[v]);
    expect(hostPort(env[v]), v).toEqual({ host: 'localhost', port: pgPort });
    expect(DATABASES, v).toContain(u.pathname.slice(1));
    expect(decodeURIComponent(u.username), v).toBe(envOf(s.postgres).POSTGRES_USER);
    expect(decodeURIComponent(u.password), `${v}'s password is POSTGRES_PASSWORD's`).toBe(env.POSTGRES_PASSWORD);
    expect(u.searchParams.get('sslmode'), v).toBe('verify-full');
  }

  const redis = new URL(env.REDIS_URL);
  expect(redis.protocol).toBe('rediss:');
  expect(hostPort(env.REDIS_URL)).toEqual({ host: 'localhost', port: publishedPorts(s.redis).get(redisTlsPort(s.redis)) });
  expect(decodeURIComponent(redis.username)).toBe('flowgate');
  expect(decodeURIComponent(redis.password), "REDIS_URL's password is REDIS_PASSWORD's").toBe(env.REDIS_PASSWORD);
});

test('TLS as on the embedded stack: Redis TLS port only, PostgreSQL ssl=on and hostssl only, Kong HTTPS only, Kafka SASL_SSL/SSL only', () => {
  const s = compose().services;
  const certs = (svc: any, target: string) => expect(binds(svc).find((b) => b.target === target), `certificates at ${target}`).toMatchObject({ source: CERTS_DIR, readOnly: true });

  // Redis: no plaintext port, a TLS port with the mounted server certificate, the default user off, one ACL user from REDIS_PASSWORD
  const redis = s.redis;
  expect(redisFlag(redis, '--port')).toBe('0');
  expect(redisTlsPort(redis)).toBeGreaterThan(0);
  expect(redisFlag(redis, '--tls-cert-file')).toBe('/certs/redis.pem');
  expect(redisFlag(redis, '--tls-key-file')).toBe('/certs/redis.key');
  expect(redisFlag(redis, '--tls-ca-cert-file')).toBe('/certs/ca.pem');
  certs(redis, '/certs');
  const args: string[] = [].concat(redis.command).map(String);
  expect(args.join(' ')).toContain('--user default off');
  expect(args.join(' ')).toMatch(/--user flowgate on >\$\{REDIS_PASSWORD:\?[^}]+\} /);
  expect(args, 'no requirepass literal').not.toContain('--requirepass');

  // PostgreSQL: ssl=on with the copied certificate, scram, and a pg_hba whose every TCP line is hostssl
  const pg = s.postgres;
  const pgCmd = commandText(pg);
  for (const c of ['ssl=on', 'ssl_cert_file=', 'ssl_key_file=', 'password_encryption=scram-sha-256']) expect(pgCmd, c).toContain(`-c ${c}`);
  certs(pg, '/certs');
  const hbaTarget = /-c hba_file=(\S+)/.exec(pgCmd)?.[1];
  const hba = binds(pg).find((b) => b.target === hbaTarget);
  expect(hba, `pg_hba.conf mounted at ${hbaTarget}`).toBeDefined();
  const lines = readFileSync(resolve(repoRoot, hba!.source), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const tcp = lines.filter((l) => !/^local\s/.test(l));
  expect(tcp.length).toBeGreaterThan(0);
  for (const l of tcp) expect(l, 'every TCP entry is hostssl with scram-sha-256').toMatch(/^hostssl\s.*\sscram-sha-256$/);

  // Kong: the proxy listens with ssl only, on the mounted certificate; no plain-HTTP listener is published
  const kongEnv = envOf(s.kong);
  const listens = kongEnv.KONG_PROXY_LISTEN.split(',').map((l) => l.trim());
  for (const l of listens) expect(l, 'every proxy listener is ssl').toMatch(/\sssl(\s|$)/);
  expect(kongEnv.KONG_SSL_CERT).toBe('/certs/kong.pem');
  expect(kongEnv.KONG_SSL_CERT_KEY).toBe('/certs/kong.key');
  certs(s.kong, '/certs');
  expect(kongEnv.KONG_ADMIN_LISTEN).toMatch(/^127\.0\.0\.1:/);

  // Kafka: every listener TLS; what clients use is SASL_SSL with SCRAM-SHA-512; the SSL-only one carries no published port
  const kEnv = envOf(s.kafka);
  const k = kafkaListeners(kEnv);
  for (const [name] of k.listeners) expect(['SSL', 'SASL_SSL'], `listener ${name}`).toContain(k.protocol.get(name));
  expect(kEnv.KAFKA_SASL_ENABLED_MECHANISMS).toBe('SCRAM-SHA-512');
  const published = new Set(publishedPorts(s.kafka).keys());
  for (const [name, addr] of k.listeners) if (published.has(Number(addr.split(':').pop()))) expect(k.protocol.get(name), `published listener ${name}`).toBe('SASL_SSL');
  expect(k.protocol.get(kEnv.KAFKA_INTER_BROKER_LISTENER_NAME)).toBe('SSL');
  certs(s.kafka, '/etc/kafka/secrets');
  for (const f of [kEnv.KAFKA_SSL_KEYSTORE_FILENAME, kEnv.KAFKA_SSL_KEYSTORE_CREDENTIALS, kEnv.KAFKA_SSL_KEY_CREDENTIALS])
    expect(readFileSync(join(repoRoot, 'scripts', 'compose-certs.sh'), 'utf8'), `scripts/compose-certs.sh makes ${f}`).toContain(f);
  // the one-shot stores the SCRAM user from the environment, before any topic exists
  const topics = commandText(s.topics);
  expect(topics).toMatch(/kafka-configs\.sh .*--add-config "SCRAM-SHA-512=\[password=\$\$\{KAFKA_SASL_PASSWORD\}\]" --entity-type users --entity-name "\$\$\{KAFKA_SASL_USERNAME\}"/s);
  expect(topics.indexOf('kafka-configs.sh')).toBeLessThan(topics.indexOf('kafka-topics.sh'));
});

test('scripts/compose-certs.sh makes the CA and a certificate for each compose host and localhost, and nothing of it is checked in', () => {
  const script = readFileSync(join(repoRoot, 'scripts', 'compose-certs.sh'), 'utf8');
  expect(script).toContain(`DIR="\${1:-${CERTS_DIR.slice(2)}}"`);
  expect(script).toMatch(/for host in kong kafka redis postgres; do/);
  expect(script).toContain('subjectAltName=DNS:${host},DNS:localhost,IP:127.0.0.1');
  const ignored = readFileSync(join(repoRoot, '.gitignore'), 'utf8').split('\n');
  expect(ignored).toContain(`${CERTS_DIR.slice(2)}/`);
});
