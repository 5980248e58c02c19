// A private PostgreSQL instance from the machine's binaries: initdb into the run's temp dir, served on a free loopback port, with one login role and the services' databases.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { StartupError, errText } from './errors';
import { freePort } from './ports';
import { versionOf, type Requirement } from './requirement';
import { runToCompletion, startProcess, waitUntil, type ManagedProcess } from './process';

export const PG_ROLE = 'flowgate';

type TlsFiles = { keyFile: string; certFile: string; caFile: string };

export interface PostgresOptions {
  /** the run's temp dir; PostgreSQL gets <dir>/postgres */
  dir: string;
  port?: number;
  /** defaults to $FLOWGATE_PG_BINDIR, /usr/lib/postgresql/15/bin, then `pg_config --bindir` */
  binDir?: string;
  timeoutMs?: number;
  log?: (m: string) => void;
  /** ssl=on and hostssl-only pg_hba (the stack's default); absent: today's plaintext TCP (npm run stack -- --plaintext).
   *  A promise is awaited only after initdb, so the certificates can be made while initdb runs. */
  tls?: TlsFiles | Promise<TlsFiles | undefined>;
}

/** pg_hba.conf: the superuser over the private socket, everyone else over TCP with TLS and SCRAM only; pure, so unit-tested. */
export function renderPgHba(o: { tls: boolean; acceptPlaintext?: boolean }): string {
  // hostssl matches only TLS connections: a plaintext one finds no entry and is rejected ("no encryption")
  const tcp = o.tls && !o.acceptPlaintext ? 'hostssl' : 'host';
  return ['local all postgres trust', `${tcp} all all 127.0.0.1/32 scram-sha-256`, `${tcp} all all ::1/128 scram-sha-256`, ''].join('\n');
}

export interface PostgresInstance {
  host: string;
  port: number;
  user: string;
  /** secret: appears only in connection URLs */
  password: string;
  pid: number;
  logFile: string;
  process: ManagedProcess;
  /** postgres://flowgate:<pw>@127.0.0.1:<port>/<db>, with ?sslmode=verify-full in TLS mode */
  url(database: string): string;
  /** the URL without sslmode, for a client given clientSsl() (pg lets the URL's sslmode override its ssl object) */
  clientUrl(database: string): string;
  tls: boolean;
  /** what a pg client needs besides the URL: the CA in TLS mode */
  clientSsl(): false | { ca: string; rejectUnauthorized: true };
  /** the fault postgres-accepts-plaintext: rewrites pg_hba.conf to accept (or, with false, refuse again) plaintext and reloads */
  setAcceptPlaintext(accept: boolean): Promise<void>;
  /** CREATE DATABASE owned by the login role */
  createDatabase(name: string): Promise<void>;
  /** runs SQL statements in order on a database, as the login role over TCP (label names whose migrations they are) */
  migrate(name: string, migrations: string[], label?: string): Promise<void>;
  stop(): Promise<void>;
}

export function pgUrl(o: { user: string; password: string; host: string; port: number; database: string }): string {
  return `postgres://${encodeURIComponent(o.user)}:${encodeURIComponent(o.password)}@${o.host}:${o.port}/${encodeURIComponent(o.database)}`;
}

/** uid and gid of an OS user from passwd(5) text; pure, so unit-tested. */
export function lookupUser(passwd: string, name: string): { uid: number; gid: number } | undefined {
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length >= 4) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

/** Database names are identifiers we interpolate into DDL: only the compliance matrix's snake_case names are accepted. */
export function assertDatabaseName(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name "${name}" (lower-case letters, digits and _ only)`);
}

export function findPgBinDir(explicit?: string): string | undefined {
  const candidates = [explicit, process.env.FLOWGATE_PG_BINDIR, '/usr/lib/postgresql/15/bin'].filter((x): x is string => !!x);
  for (const c of candidates) if (existsSync(join(c, 'postgres')) && existsSync(join(c, 'initdb'))) return c;
  try {
    const d = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (d && existsSync(join(d, 'postgres'))) return d;
  } catch {
    // no pg_config on PATH: reported below as a missing binary
  }
  return undefined;
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const e of readdirSync(path)) chownTree(join(path, e), uid, gid);
}

/** The server's folders and log under <dir>/postgres, and the OS user it runs as. */
interface PgHome {
  home: string;
  dataDir: string;
  sockDir: string;
  logFile: string;
  binDir: string;
  runAs?: { uid: number; gid: number };
  asUser: { uid?: number; gid?: number; env: NodeJS.ProcessEnv };
}

function preparePgHome(opts: PostgresOptions, t0: number): PgHome {
  const home = join(opts.dir, 'postgres');
  const dataDir = join(home, 'data');
  const sockDir = join(home, 'sock');
  mkdirSync(sockDir, { recursive: true });
  const logFile = join(home, 'postgres.log');
  writeFileSync(logFile, '');
  const binDir = findPgBinDir(opts.binDir);
  if (!binDir) {
    throw new StartupError({ component: 'postgres', reason: 'no PostgreSQL binaries found (looked at $FLOWGATE_PG_BINDIR, /usr/lib/postgresql/15/bin and `pg_config --bindir`); install PostgreSQL 15 (apt-get install postgresql-15)', elapsedMs: Date.now() - t0, logFile });
  }
  // initdb and postgres refuse to run as root: as root, run them as the `postgres` OS user, which must own their directory
  let runAs: { uid: number; gid: number } | undefined;
  if (process.getuid?.() === 0) {
    runAs = lookupUser(readFileSync('/etc/passwd', 'utf8'), 'postgres');
    if (!runAs) throw new StartupError({ component: 'postgres', reason: 'running as root, and there is no `postgres` OS user to run PostgreSQL as (PostgreSQL refuses root)', elapsedMs: Date.now() - t0, logFile });
    chmodSync(opts.dir, 0o711); // the postgres user must traverse the run's temp dir, not read it
    chownTree(home, runAs.uid, runAs.gid);
  }
  const asUser = { uid: runAs?.uid, gid: runAs?.gid, env: { ...process.env, HOME: home, LC_ALL: 'C', LANG: 'C' } };
  return { home, dataDir, sockDir, logFile, binDir, ...(runAs ? { runAs } : {}), asUser };
}

async function initdb(h: PgHome, timeoutMs: number, t0: number): Promise<void> {
  await runToCompletion(
    {
      component: 'postgres',
      what: `initdb of ${h.dataDir}`,
      command: join(h.binDir, 'initdb'),
      args: ['-D', h.dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      logFile: h.logFile,
      cwd: h.home,
      timeoutMs: Math.min(timeoutMs, 60_000),
      ...h.asUser,
    },
    t0,
  );
}

/** pg_hba.conf and the server's key and certificate in the data dir; the server's settings. */
function configurePg(h: PgHome, host: string, tls: TlsFiles | undefined): string[] {
  writeFileSync(join(h.dataDir, 'pg_hba.conf'), renderPgHba({ tls: !!tls }));
  // PostgreSQL refuses a key file others can read, or one owned by someone else
  let sslFiles: { key: string; cert: string } | undefined;
  if (tls) {
    sslFiles = { key: join(h.dataDir, 'server.key'), cert: join(h.dataDir, 'server.crt') };
    writeFileSync(sslFiles.key, readFileSync(tls.keyFile), { mode: 0o600 });
    writeFileSync(sslFiles.cert, readFileSync(tls.certFile));
    if (h.runAs) for (const f of [join(h.dataDir, 'pg_hba.conf'), sslFiles.key, sslFiles.cert]) chownSync(f, h.runAs.uid, h.runAs.gid);
  }
  // durability is pointless for a throwaway test database; these make DDL and commits cheap
  return [
    `listen_addresses=${host}`,
    `unix_socket_directories=${h.sockDir}`,
    'fsync=off',
    'synchronous_commit=off',
    'full_page_writes=off',
    'max_connections=300',
    'dynamic_shared_memory_type=mmap',
    'log_min_messages=warning',
    'log_min_error_statement=panic',
    'password_encryption=scram-sha-256',
    ...(sslFiles ? ['ssl=on', `ssl_cert_file=${sslFiles.cert}`, `ssl_key_file=${sslFiles.key}`, 'ssl_min_protocol_version=TLSv1.2'] : []),
  ];
}

/** Runs one superuser statement over the server's socket. */
async function asSuperuser<T>(superuser: () => Client, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = superuser();
  try {
    await c.connect();
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** Starts the server, waits until it accepts connections and creates the login role with a fresh password. */
async function launchPg(h: PgHome, o: { port: number; host: string; settings: string[]; timeoutMs: number; t0: number; superuser: () => Client; password: string }): Promise<ManagedProcess> {
  const proc = startProcess({
    component: 'postgres',
    command: join(h.binDir, 'postgres'),
    args: ['-D', h.dataDir, '-p', String(o.port), ...o.settings.flatMap((s) => ['-c', s])],
    logFile: h.logFile,
    cwd: h.home,
    stopSignal: 'SIGINT', // fast shutdown: we throw the data away
    stopGraceMs: 8_000,
    ...h.asUser,
  });
  try {
    await waitUntil({
      what: `PostgreSQL to accept connections on ${o.host}:${o.port}`,
      component: 'postgres',
      timeoutMs: o.timeoutMs,
      process: proc,
      startedAt: o.t0,
      check: () => asSuperuser(o.superuser, async (c) => (await c.query('SELECT 1'), true)),
    });
    // the password is never logged: log_min_error_statement=panic keeps statements out of the log
    await asSuperuser(o.superuser, (c) => c.query(`CREATE ROLE ${PG_ROLE} LOGIN CREATEDB PASSWORD '${o.password}'`));
  } catch (e) {
    await proc.stop();
    if (e instanceof StartupError) throw e;
    throw new StartupError({ component: 'postgres', reason: `creating the ${PG_ROLE} role failed: ${errText(e)}`, elapsedMs: Date.now() - o.t0, logFile: h.logFile, cause: e });
  }
  return proc;
}

async function migrate(o: { url: string; ssl: ReturnType<PostgresInstance['clientSsl']>; logFile: string }, name: string, migrations: string[], label: string): Promise<void> {
  const t1 = Date.now();
  if (!migrations.length) return;
  // migrations run as the login role over TCP, exactly as the services connect
  const c = new Client({ connectionString: o.url, ssl: o.ssl, connectionTimeoutMillis: 5000 });
  let step = `connecting to ${name} for the migrations of ${label}`;
  try {
    await c.connect();
    for (const [i, sql] of migrations.entries()) {
      step = `migration ${i + 1}/${migrations.length} of ${label} on ${name}`;
      await c.query(sql);
    }
  } catch (e) {
    throw new StartupError({ component: 'postgres', reason: `${step} failed: ${errText(e)}`, elapsedMs: Date.now() - t1, logFile: o.logFile, cause: e });
  } finally {
    await c.end().catch(() => {});
  }
}

export async function startPostgres(opts: PostgresOptions): Promise<PostgresInstance> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const h = preparePgHome(opts, t0);
  await initdb(h, timeoutMs, t0);
  log(`postgres: initdb done in ${Date.now() - t0} ms`);
  const port = opts.port ?? (await freePort());
  const host = '127.0.0.1';
  const tls = await opts.tls;
  const settings = configurePg(h, host, tls);
  const superuser = () => new Client({ host: h.sockDir, port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 });
  const password = randomBytes(18).toString('hex');
  const proc = await launchPg(h, { port, host, settings, timeoutMs, t0, superuser, password });
  log(`postgres: ready on ${host}:${port} in ${Date.now() - t0} ms`);

  const ca = tls ? readFileSync(tls.caFile, 'utf8') : undefined;
  const clientSsl = () => (ca ? { ca, rejectUnauthorized: true as const } : (false as const));
  // pg would let the URL's sslmode override an explicit ssl object (and drop the CA): our own clients get the bare URL
  const bareUrl = (database: string) => pgUrl({ user: PG_ROLE, password, host, port, database });
  return {
    host,
    port,
    user: PG_ROLE,
    password,
    pid: proc.pid,
    logFile: h.logFile,
    process: proc,
    url: (database: string) => bareUrl(database) + (tls ? '?sslmode=verify-full' : ''),
    clientUrl: bareUrl,
    tls: !!tls,
    clientSsl,
    async setAcceptPlaintext(accept: boolean) {
      writeFileSync(join(h.dataDir, 'pg_hba.conf'), renderPgHba({ tls: !!tls, acceptPlaintext: accept }));
      await asSuperuser(superuser, (c) => c.query('SELECT pg_reload_conf()'));
      log(`postgres: plaintext connections ${accept ? 'accepted' : 'refused'} (pg_hba.conf reloaded)`);
    },
    async createDatabase(name: string) {
      const t1 = Date.now();
      assertDatabaseName(name);
      await asSuperuser(superuser, (c) => c.query(`CREATE DATABASE "${name}" OWNER ${PG_ROLE}`)).catch((e) => {
        throw new StartupError({ component: 'postgres', reason: `CREATE DATABASE ${name} failed: ${errText(e)}`, elapsedMs: Date.now() - t1, logFile: h.logFile, cause: e });
      });
    },
    migrate: (name: string, migrations: string[], label = name) => migrate({ url: bareUrl(name), ssl: clientSsl(), logFile: h.logFile }, name, migrations, label),
    stop: () => proc.stop(),
  };
}

/** What PostgreSQL needs here: its server binaries. */
export function postgresRequirements(v: boolean): Requirement[] {
  const pgDir = findPgBinDir();
  return [{ name: 'PostgreSQL 15 binaries', found: !!pgDir, where: pgDir, version: pgDir && v ? versionOf(join(pgDir, 'postgres'), ['--version']) : undefined, how: 'apt-get install postgresql-15 (or point FLOWGATE_PG_BINDIR at its bin folder)', required: true }];
}
