// A private redis-server on a free loopback port (TLS only, an ACL user's password), persisting nothing, its files in the run's temp dir.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { freePort } from './ports';
import { startProcess, waitUntil, type ManagedProcess } from './process';
import { onPath, versionOf, type Requirement } from './requirement';

export interface RedisOptions {
  /** the run's temp dir; Redis gets <dir>/redis */
  dir: string;
  port?: number;
  command?: string;
  timeoutMs?: number;
  log?: (m: string) => void;
  /** TLS only (port 0, tls-port) with an ACL user: the stack's default; absent: today's plaintext port (npm run stack -- --plaintext) */
  tls?: { keyFile: string; certFile: string; caFile: string };
}

/** The ACL user the services and the harness log in as (the default user is switched off). */
export const REDIS_USER = 'flowgate';

export interface RedisInstance {
  port: number;
  /** secret: appears only in the URL */
  password: string;
  /** rediss://flowgate:<pw>@127.0.0.1:<port> (redis://:<pw>@… in plaintext mode) */
  url: string;
  tls: boolean;
  /** ioredis options a client of this instance needs besides the URL (the CA in TLS mode) */
  clientOptions(): { tls?: { ca: string[] } };
  /** the fault redis-plaintext-port: opens (or, with false, closes again) a plaintext port beside tls-port; returns it */
  setPlaintextPort(open: boolean): Promise<number | undefined>;
  /** the fault redis-config-denied: the ACL user loses (or, with false, gets back) the CONFIG command */
  setConfigDenied(deny: boolean): Promise<void>;
  pid: number;
  logFile: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export function redisUrl(password: string, port: number, host = '127.0.0.1', tlsUser?: string): string {
  return tlsUser ? `rediss://${encodeURIComponent(tlsUser)}:${encodeURIComponent(password)}@${host}:${port}` : `redis://:${encodeURIComponent(password)}@${host}:${port}`;
}

// The password goes into a file only the owner reads rather than onto the command line, where `ps` shows it.
export function renderRedisConf(o: { port: number; dir: string; password: string; tls?: { keyFile: string; certFile: string; caFile: string } }): string {
  // TLS mode: no plaintext port at all, clients need no certificate, and only the ACL user can log in
  const transport = o.tls
    ? ['port 0', `tls-port ${o.port}`, `tls-cert-file ${o.tls.certFile}`, `tls-key-file ${o.tls.keyFile}`, `tls-ca-cert-file ${o.tls.caFile}`, 'tls-auth-clients no', 'user default off', `user ${REDIS_USER} on >${o.password} ~* &* +@all`]
    : [`port ${o.port}`, `requirepass ${o.password}`];
  return [
    ...transport,
    'bind 127.0.0.1',
    'protected-mode yes',
    'daemonize no',
    `dir ${o.dir}`,
    'save ""',
    'appendonly no',
    'loglevel warning',
    'logfile ""',
    '',
  ].join('\n');
}

export async function startRedis(opts: RedisOptions): Promise<RedisInstance> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const home = join(opts.dir, 'redis');
  mkdirSync(home, { recursive: true });
  const logFile = join(home, 'redis.log');
  writeFileSync(logFile, '');
  const port = opts.port ?? (await freePort());
  const password = randomBytes(18).toString('hex');
  const conf = join(home, 'redis.conf');
  writeFileSync(conf, renderRedisConf({ port, dir: home, password, ...(opts.tls ? { tls: opts.tls } : {}) }), { mode: 0o600 });
  const clientOptions = () => (opts.tls ? { tls: { ca: [readFileSync(opts.tls.caFile, 'utf8')] } } : {});

  const proc = startProcess({ component: 'redis', command: opts.command ?? 'redis-server', args: [conf], logFile, cwd: home, stopSignal: 'SIGTERM', stopGraceMs: 5_000 });
  const url = redisUrl(password, port, '127.0.0.1', opts.tls ? REDIS_USER : undefined);
  try {
    await waitUntil({
      what: `redis-server to answer PING on 127.0.0.1:${port}`,
      component: 'redis',
      timeoutMs: opts.timeoutMs ?? 20_000,
      process: proc,
      startedAt: t0,
      check: async () => {
        // no reconnects, no offline queue: one honest attempt per poll
        const r = new Redis(url, { ...clientOptions(), lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 1000, commandTimeout: 1000 });
        r.on('error', () => {});
        try {
          await r.connect();
          return (await r.ping()) === 'PONG';
        } finally {
          r.disconnect();
        }
      },
    });
  } catch (e) {
    await proc.stop();
    throw e;
  }
  log(`redis: ready on 127.0.0.1:${port} in ${Date.now() - t0} ms`);
  // CONFIG SET port works at run time in Redis 7: the fault opens a real plaintext port on the same server
  const setPlaintextPort = async (open: boolean): Promise<number | undefined> => {
    const p = open ? await freePort() : 0;
    const r = new Redis(url, { ...clientOptions(), lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, commandTimeout: 2000 });
    r.on('error', () => {});
    try {
      await r.connect();
      await r.config('SET', 'port', String(p));
    } finally {
      r.disconnect();
    }
    log(`redis: plaintext port ${open ? `opened on 127.0.0.1:${p}` : 'closed'}`);
    return open ? p : undefined;
  };
  const setConfigDenied = async (deny: boolean): Promise<void> => {
    const r = new Redis(url, { ...clientOptions(), lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, commandTimeout: 2000 });
    r.on('error', () => {});
    try {
      await r.connect();
      await r.call('ACL', 'SETUSER', REDIS_USER, deny ? '-config' : '+config');
    } finally {
      r.disconnect();
    }
    log(`redis: CONFIG ${deny ? 'denied to' : 'allowed again for'} ${REDIS_USER}`);
  };
  return { port, password, url, tls: !!opts.tls, clientOptions, setPlaintextPort, setConfigDenied, pid: proc.pid, logFile, process: proc, stop: () => proc.stop() };
}

/** What Redis needs here: redis-server. */
export function redisRequirements(v: boolean): Requirement[] {
  const redis = onPath('redis-server');
  return [{ name: 'Redis 7 (redis-server)', found: !!redis, where: redis, version: redis && v ? versionOf(redis, ['--version'], /v=(\S+)/) : undefined, how: 'apt-get install redis-server', required: true }];
}
