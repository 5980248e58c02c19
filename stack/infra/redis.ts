// A private redis-server on a free loopback port, password-protected, persisting nothing, its files in the run's temp dir.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { freePort } from './ports';
import { startProcess, waitUntil, type ManagedProcess } from './process';

export interface RedisOptions {
  /** the run's temp dir; Redis gets <dir>/redis */
  dir: string;
  port?: number;
  command?: string;
  timeoutMs?: number;
  log?: (m: string) => void;
}

export interface RedisInstance {
  port: number;
  /** secret: appears only in the URL */
  password: string;
  /** redis://:<pw>@127.0.0.1:<port> */
  url: string;
  pid: number;
  logFile: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export function redisUrl(password: string, port: number, host = '127.0.0.1'): string {
  return `redis://:${encodeURIComponent(password)}@${host}:${port}`;
}

// The password goes into a file only the owner reads rather than onto the command line, where `ps` shows it.
export function renderRedisConf(o: { port: number; dir: string; password: string }): string {
  return [
    `port ${o.port}`,
    'bind 127.0.0.1',
    'protected-mode yes',
    'daemonize no',
    `dir ${o.dir}`,
    'save ""',
    'appendonly no',
    `requirepass ${o.password}`,
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
  writeFileSync(conf, renderRedisConf({ port, dir: home, password }), { mode: 0o600 });

  const proc = startProcess({ component: 'redis', command: opts.command ?? 'redis-server', args: [conf], logFile, cwd: home, stopSignal: 'SIGTERM', stopGraceMs: 5_000 });
  const url = redisUrl(password, port);
  try {
    await waitUntil({
      what: `redis-server to answer PING on 127.0.0.1:${port}`,
      component: 'redis',
      timeoutMs: opts.timeoutMs ?? 20_000,
      process: proc,
      startedAt: t0,
      check: async () => {
        // no reconnects, no offline queue: one honest attempt per poll
        const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 1000, commandTimeout: 1000 });
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
  return { port, password, url, pid: proc.pid, logFile, process: proc, stop: () => proc.stop() };
}
