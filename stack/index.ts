// Starts and stops the whole embedded reference stack (Kafka, PostgreSQL, Redis, the services, the gateway, the control port) and hands back the target's variables.
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import Redis from 'ioredis';
import { contracts } from '../contracts';
import { Faults } from './faults';
import { snapshotSource } from './source';
import type { ServiceContext, ServiceModule, StackSecrets } from './types';
import { StartupError, errText, tailLines } from './infra/errors';
import { startKafka, type KafkaInstance } from './infra/kafka';
import { startPostgres, type PostgresInstance } from './infra/postgres';
import { startRedis, type RedisInstance } from './infra/redis';
import { waitUntil } from './infra/process';
import { forgetDir, reapDirOnDeath } from './infra/reaper';
import { startControl, type ControlServer, type StoppableComponent } from './control';
import { SERVICES } from './services';
import { createBus } from './services/common/bus';
import { buildServiceApp } from './services/common/app';
import { startGateway } from './gateway/gateway';

export { StartupError } from './infra/errors';
export type { StoppableComponent } from './control';

/** The seed's service databases and the variable each one's URL is published as. */
export const DATABASE_ENV = {
  cert_ix_auth: 'AUTH_DB_URL',
  cert_ix_email: 'EMAIL_DB_URL',
  cert_ix_subscription: 'SUBSCRIPTION_DB_URL',
  cert_ix_assets: 'ASSETS_DB_URL',
  cert_ix_asset_verification: 'VERIFICATION_DB_URL',
  cert_ix_scans: 'SCANS_DB_URL',
  cert_ix_tools_service: 'TOOLS_DB_URL',
  cert_ix_vulnerabilities: 'VULNERABILITIES_DB_URL',
  cert_ix_checkout: 'CHECKOUT_DB_URL',
  cert_ix_payments: 'PAYMENTS_DB_URL',
  cert_ix_invoices: 'INVOICES_DB_URL',
} as const satisfies Record<string, string>;

export const KONG_FILE = join(__dirname, 'gateway', 'kong.yml');

export interface StackOptions {
  /** STACK_FAULTS syntax: `a,b,latency:createAsset=40000` */
  faults?: string;
  /** progress and service logs (they also go to <tmpDir>/stack.log) */
  log?: (m: string) => void;
  /** the Kafka jars (default $FLOWGATE_KAFKA_JARS or .cache/kafka/jars) */
  kafkaJars?: string;
  /** where the run's temp dir is created (default the OS temp dir) */
  tmpRoot?: string;
  /** aborts a start in progress; everything started so far is stopped */
  signal?: AbortSignal;
  /** the service modules to run (default SERVICES) */
  services?: ServiceModule[];
}

export interface StackHandle {
  /** the target's variables, exactly the keys of stackEnvKeys() */
  env: Record<string, string>;
  faults: Faults;
  controlUrl: string;
  tmpDir: string;
  /** cold start to ready */
  readyMs: number;
  /** the infrastructure processes' pids (each leads its own process group) */
  pids(): number[];
  /** every port the stack listens on */
  ports(): number[];
  stopComponent(c: StoppableComponent): Promise<void>;
  /** stops everything and removes the temp dir; idempotent */
  stop(): Promise<void>;
}

/** The variable a database's URL is published as: the fixed map, else its name without cert_ix_, upper-cased. */
export function databaseEnvKey(db: string): string {
  return (DATABASE_ENV as Record<string, string>)[db] ?? `${db.replace(/^cert_ix_/, '').toUpperCase()}_DB_URL`;
}

/** Every database the stack creates: the seed's fixed set plus any a service module names, each once. */
export function stackDatabases(modules: ServiceModule[]): string[] {
  return [...new Set([...Object.keys(DATABASE_ENV), ...modules.map((m) => m.database).filter((d): d is string => !!d)])];
}

/** The target's variables; pure, so unit-tested. */
export function buildStackEnv(o: { kongUrl: string; brokers: string[]; redisUrl: string; dbUrls: Record<string, string>; secrets: StackSecrets; controlUrl: string }): Record<string, string> {
  const env: Record<string, string> = {
    FLOWGATE_TARGET_NAME: 'embedded',
    KONG_URL: o.kongUrl,
    KAFKA_BROKERS: o.brokers.join(','),
    REDIS_URL: o.redisUrl,
  };
  for (const [db, url] of Object.entries(o.dbUrls)) env[databaseEnvKey(db)] = url;
  env.STRIPE_WEBHOOK_SECRET = o.secrets.stripeWebhookSecret;
  env.CAPTCHA_TEST_KEY = o.secrets.captchaTestKey;
  env.JWT_TEST_SIGNING_KEY = o.secrets.jwtSecret;
  env.STACK_CONTROL_URL = o.controlUrl;
  return env;
}

export function generateSecrets(): StackSecrets {
  return {
    jwtSecret: randomBytes(32).toString('base64url'),
    stripeWebhookSecret: `whsec_${randomBytes(24).toString('hex')}`,
    captchaTestKey: `captcha-test-${randomBytes(12).toString('hex')}`,
  };
}

interface RunningService {
  name: string;
  app?: FastifyInstance;
  bus?: { close(): Promise<void> };
  pool?: Pool;
  port?: number;
}

/** Bounds a close() that can hang (a Kafka client whose broker was stopped); the caller logs the timeout and moves on. */
async function bounded(what: string, ms: number, fn: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startStack(opts: StackOptions = {}): Promise<StackHandle> {
  const t0 = Date.now();
  const c = contracts();
  // parse first: an unknown fault name must fail before anything is started
  const faults = new Faults(opts.faults ?? '');
  const modules = opts.services ?? SERVICES;
  const tmpDir = mkdtempSync(join(opts.tmpRoot ?? tmpdir(), 'flowgate-stack-'));
  const stackLog = join(tmpDir, 'stack.log');
  const log = (m: string) => {
    try {
      appendFileSync(stackLog, `${new Date().toISOString()} ${m}\n`);
    } catch {
      // the temp dir is gone after stop(); a late log line from a closing client is dropped
    }
    opts.log?.(m);
  };

  let kafka: KafkaInstance | undefined;
  let pg: PostgresInstance | undefined;
  let redis: RedisInstance | undefined;
  let redisClient: Redis | undefined;
  const services: RunningService[] = [];
  let gateway: { url: string; port: number; close(): Promise<void> } | undefined;
  let control: ControlServer | undefined;
  const componentStops = new Map<StoppableComponent, Promise<void>>();
  let stopping: Promise<void> | undefined;

  const stopComponent = (comp: StoppableComponent): Promise<void> => {
    let p = componentStops.get(comp);
    if (!p) {
      // A component stopped mid-run is an outage: killed at once, not shut down politely (PostgreSQL's smart
      // shutdown would wait for the services' idle connections, and the run would finish before it went away).
      const target = { kafka: () => kafka?.process.crash(), postgres: () => pg?.process.crash(), redis: () => redis?.process.crash(), gateway: () => gateway?.close() }[comp];
      if (!target) return Promise.reject(new Error(`unknown component ${comp}`));
      const running = { kafka, postgres: pg, redis, gateway }[comp] !== undefined;
      p = Promise.resolve(target()).then(() => {
        if (running) log(`stack: ${comp} stopped`);
      });
      componentStops.set(comp, p);
    }
    return p;
  };

  const exitHook = () => {
    // last resort when Node exits without stop(): kill the groups (synchronously, nothing async runs now), then remove the dir
    for (const x of [kafka, pg, redis]) x?.process.killNow();
    if (existsSync(tmpDir)) rmSync(tmpDir, { recursive: true, force: true });
  };
  process.on('exit', exitHook);
  reapDirOnDeath(tmpDir);

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      const problems: string[] = [];
      const step = async (what: string, ms: number, fn: () => Promise<unknown>) => {
        try {
          await bounded(what, ms, fn);
        } catch (e) {
          problems.push(`${what}: ${errText(e)}`);
        }
      };
      await Promise.all(
        services.map(async (s) => {
          if (s.app) await step(`closing ${s.name}'s HTTP server`, 5_000, () => s.app!.close());
          // a client of a broker stopped on purpose only retries in vain: give it less time
          if (s.bus) await step(`closing ${s.name}'s Kafka clients`, componentStops.has('kafka') ? 1_000 : 5_000, () => s.bus!.close());
          if (s.pool) await step(`closing ${s.name}'s database pool`, 5_000, () => s.pool!.end());
        }),
      );
      if (redisClient) {
        const rc = redisClient;
        await step('closing the Redis client', 2_000, async () => {
          if (componentStops.has('redis')) rc.disconnect();
          else await rc.quit().catch(() => rc.disconnect());
        });
      }
      if (gateway) await step('closing the gateway', 5_000, () => stopComponent('gateway'));
      if (control) await step('closing the control port', 5_000, () => control!.close());
      // the processes last: nothing above may still be talking to them
      await Promise.all(
        (['redis', 'postgres', 'kafka'] as const).map((comp) => step(`stopping ${comp}`, 30_000, () => stopComponent(comp))),
      );
      const leftover = [kafka, pg, redis].filter((x) => x && x.process.running).map((x) => `${x!.process.component} (pid ${x!.pid})`);
      if (leftover.length) problems.push(`still running: ${leftover.join(', ')}`);
      if (problems.length) log(`stack: stop: ${problems.join('; ')}`);
      try {
        rmSync(tmpDir, { recursive: true, force: true });
      } catch (e) {
        problems.push(`removing ${tmpDir}: ${errText(e)}`);
      }
      process.off('exit', exitHook);
      forgetDir(tmpDir);
      // only what leaves something behind fails stop(); a slow client close was logged above
      const fatal = problems.filter((p) => p.startsWith('still running') || p.startsWith('removing') || p.startsWith('stopping'));
      if (fatal.length) throw new Error(`stack stop left things behind: ${fatal.join('; ')}`);
    })());

  const checkAbort = () => {
    if (opts.signal?.aborted) throw new StartupError({ component: 'stack', reason: 'start aborted', elapsedMs: Date.now() - t0 });
  };

  try {
    // 1. the three infrastructure processes at once: each mostly waits on its own JVM/initdb
    const [k, p, r] = await Promise.allSettled([
      startKafka({ dir: tmpDir, jarsDir: opts.kafkaJars, log }),
      startPostgres({ dir: tmpDir, log }),
      startRedis({ dir: tmpDir, log }),
    ]);
    if (k.status === 'fulfilled') kafka = k.value;
    if (p.status === 'fulfilled') pg = p.value;
    if (r.status === 'fulfilled') redis = r.value;
    const failed = [k, p, r].filter((x): x is PromiseRejectedResult => x.status === 'rejected');
    if (failed.length) {
      for (const f of failed.slice(1)) log(`stack: also failed: ${errText(f.reason)}`);
      throw failed[0].reason;
    }
    checkAbort();
    log(`stack: infrastructure up in ${Date.now() - t0} ms`);

    // 2. topics, databases and migrations at once
    const databases = stackDatabases(modules);
    await Promise.all([
      kafka!.createTopics(c.concreteTopics()),
      ...databases.map(async (db) => {
        await pg!.createDatabase(db);
        // services sharing a database migrate one after the other, in SERVICES order
        for (const m of modules) if (m.database === db && m.migrations?.length) await pg!.migrate(db, m.migrations, m.name);
      }),
    ]);
    checkAbort();
    log(`stack: ${c.concreteTopics().length} topics and ${databases.length} databases ready at ${Date.now() - t0} ms`);

    // 3. the services, each with its own pool, bus and Fastify instance, sharing the Redis client and the fault switchboard
    const secrets = generateSecrets();
    redisClient = new Redis(redis!.url, { maxRetriesPerRequest: 2, lazyConnect: false });
    let redisErrorLogged = false;
    redisClient.on('error', (e) => {
      if (!redisErrorLogged) log(`stack: redis client: ${errText(e)}`);
      redisErrorLogged = true;
    });
    redisClient.on('ready', () => (redisErrorLogged = false));

    // allSettled: on a failure, stop() must only run once no other service is still half-way through creating clients
    const started = await Promise.allSettled(
      modules.map(async (mod) => {
        const ts = Date.now();
        const s: RunningService = { name: mod.name };
        services.push(s);
        const recent: string[] = [];
        const slog = (m: string) => {
          recent.push(m);
          if (recent.length > 20) recent.shift();
          log(`[${mod.name}] ${m}`);
        };
        try {
          if (mod.database) {
            s.pool = new Pool({ connectionString: pg!.url(mod.database), max: 5 });
            s.pool.on('error', (e) => slog(`database pool: ${errText(e)}`));
          }
          const bus = await createBus({ brokers: kafka!.brokers, clientId: mod.name, groupId: mod.name, contracts: c, log: slog });
          s.bus = bus;
          const ctx: ServiceContext = { name: mod.name, contracts: c, db: s.pool, redis: redisClient!, bus, faults, secrets, log: slog };
          s.app = await buildServiceApp(mod, ctx);
          await s.app.listen({ host: '127.0.0.1', port: 0 });
          const addr = s.app.server.address();
          s.port = typeof addr === 'object' && addr ? addr.port : undefined;
        } catch (e) {
          throw new StartupError({ component: mod.name, reason: `the service did not start: ${errText(e)}`, elapsedMs: Date.now() - ts, logTail: tailLines(recent.join('\n')), cause: e });
        }
      }),
    );
    const serviceFailure = started.find((x): x is PromiseRejectedResult => x.status === 'rejected');
    if (serviceFailure) throw serviceFailure.reason;
    checkAbort();
    log(`stack: ${modules.length} services listening at ${Date.now() - t0} ms`);

    // 4. the gateway, routing by the Kong file to the services' ports, then the control port
    const tg = Date.now();
    try {
      gateway = await startGateway({
        kongFile: KONG_FILE,
        upstreams: Object.fromEntries(services.map((s) => [s.name, `http://127.0.0.1:${s.port}`])),
        // P0-05-email-exposed: someone routed the email service's internal API through the gateway.
        faultRoutes: () => (faults.on('P0-05-email-exposed') ? [{ prefix: '/internal/email', service: 'email-service' }] : []),
      });
    } catch (e) {
      throw new StartupError({ component: 'gateway', reason: `${errText(e)} (kong file ${KONG_FILE})`, elapsedMs: Date.now() - tg, cause: e });
    }
    const healthPaths = c.services.filter((s) => modules.some((m) => m.name === s.name)).map((s) => s.health);
    await waitUntil({
      what: `every service's health endpoint to answer 200 through the gateway at ${gateway.url}`,
      component: 'gateway',
      timeoutMs: 15_000,
      startedAt: tg,
      check: async () => {
        const bad: string[] = [];
        await Promise.all(
          healthPaths.map(async (h) => {
            const res = await fetch(gateway!.url + h).catch((e) => ({ status: `error ${errText(e)}` }) as const);
            if (res.status !== 200) bad.push(`${h} → ${res.status}`);
            if ('body' in res) await res.arrayBuffer().catch(() => {});
          }),
        );
        if (bad.length) throw new Error(bad.join(', '));
        return true;
      },
    });
    try {
      control = await startControl({ faults, stopComponent, log });
    } catch (e) {
      throw new StartupError({ component: 'control', reason: errText(e), elapsedMs: Date.now() - tg, cause: e });
    }

    const dbUrls = Object.fromEntries(databases.map((db) => [db, pg!.url(db)]));
    const env = buildStackEnv({ kongUrl: gateway.url, brokers: kafka!.brokers, redisUrl: redis!.url, dbUrls, secrets, controlUrl: control.url });
    // Criterion 3 scans what the embedded system is built from; the source-literal-secret fault plants a secret in it.
    const source = snapshotSource(tmpDir);
    source.plantSecret(faults.on('source-literal-secret'));
    faults.onChange(() => source.plantSecret(faults.on('source-literal-secret')));
    env.FLOWGATE_SOURCE_DIR = source.dir;
    const readyMs = Date.now() - t0;
    log(`stack: ready in ${(readyMs / 1000).toFixed(1)} s (temp dir ${tmpDir})`);

    return {
      env,
      faults,
      controlUrl: control.url,
      tmpDir,
      readyMs,
      pids: () => [kafka, pg, redis].filter((x) => !!x).map((x) => x!.pid),
      ports: () =>
        [kafka?.port, kafka?.controllerPort, pg?.port, redis?.port, ...services.map((s) => s.port), gateway?.port, control?.port].filter(
          (x): x is number => typeof x === 'number' && x > 0,
        ),
      stopComponent,
      stop,
    };
  } catch (e) {
    log(`stack: start failed after ${Date.now() - t0} ms${e instanceof StartupError ? ` (${e.component})` : ''}; stopping what was started`);
    await stop().catch((se) => log(`stack: cleanup after the failed start: ${errText(se)}`));
    if (e instanceof StartupError) {
      // the tail is in the message; the file itself went with the temp dir
      if (e.logFile?.startsWith(tmpDir)) e.message = e.message.replace(`  log: ${e.logFile}`, `  log: ${e.logFile} (removed with the run's temp dir)`);
      throw e;
    }
    throw new StartupError({ component: 'stack', reason: errText(e), elapsedMs: Date.now() - t0, cause: e });
  }
}
