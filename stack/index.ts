// Starts and stops the whole embedded reference stack as a composition of components (certificates, Kafka, PostgreSQL, Redis, the services, the gateway, the control port) and hands back the target's variables.
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { contracts } from '../contracts';
import { Faults } from './faults';
import { snapshotSource } from './source';
import type { ServiceModule, StackSecrets } from './types';
import { StartupError, errText } from './infra/errors';
import { forgetDir, reapDirOnDeath } from './infra/reaper';
import { generateRunCertificates, type RunCertificates } from './infra/tls';
import type { KafkaInstance } from './infra/kafka';
import type { PostgresInstance } from './infra/postgres';
import type { RedisInstance } from './infra/redis';
import type { StoppableComponent } from './control';
import { SERVICES } from './services';
import { bounded, type StackContext, type StartedComponent } from './components/component';
import { startKafkaComponent, startPostgresComponent, startRedisComponent } from './components/infra';
import { startServicesComponent } from './components/services';
import { startGatewayComponent } from './components/gateway';
import { startHiddenPortsComponent } from './components/hidden-ports';
import { startControlComponent } from './components/control';

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
  /** today's plaintext stack, for debugging only (npm run stack -- --plaintext): a run against it is NO-GO on criteria 4–6 */
  plaintext?: boolean;
}

export interface StackHandle {
  /** the target's variables, exactly the keys of stackEnvKeys() */
  env: Record<string, string>;
  faults: Faults;
  controlUrl: string;
  tmpDir: string;
  /** cold start to ready */
  readyMs: number;
  /** 'tls' by default, 'plaintext' with the debugging option */
  transport: 'tls' | 'plaintext';
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

/** How a secured stack is reached: the CA file every client trusts, the harness's SCRAM login and the ports that must refuse plain HTTP. */
export interface StackTransport {
  caFile: string;
  kafkaUser: string;
  kafkaPassword: string;
  /** host:port of every public endpoint (the gateway's HTTPS port and its redirect-only plain port) */
  publicEndpoints: string[];
  /** FLOWGATE_CONVENTIONAL_PORTS: the ports reserved for the roles a staging host has at 80/8000, 8001/8444, 9092, 6379 */
  conventionalPorts?: string;
}

/** The target's variables, exactly those a staging run is given; pure, so unit-tested. */
export function buildStackEnv(o: { kongUrl: string; brokers: string[]; redisUrl: string; dbUrls: Record<string, string>; secrets: StackSecrets; controlUrl: string; transport?: StackTransport }): Record<string, string> {
  const t = o.transport;
  const env: Record<string, string> = {
    FLOWGATE_TARGET_NAME: 'embedded',
    KONG_URL: o.kongUrl,
    ...(t ? { KONG_CA_FILE: t.caFile, FLOWGATE_PUBLIC_ENDPOINTS: t.publicEndpoints.join(',') } : {}),
    ...(t?.conventionalPorts ? { FLOWGATE_CONVENTIONAL_PORTS: t.conventionalPorts } : {}),
    KAFKA_BROKERS: o.brokers.join(','),
    ...(t ? { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: t.caFile, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: t.kafkaUser, KAFKA_SASL_PASSWORD: t.kafkaPassword } : {}),
    REDIS_URL: o.redisUrl,
    ...(t ? { REDIS_TLS_CA_FILE: t.caFile } : {}),
  };
  for (const [db, url] of Object.entries(o.dbUrls)) env[databaseEnvKey(db)] = url;
  if (t) env.DB_SSL_CA_FILE = t.caFile;
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
    // the stack deploys the services, so it provides the key, as compose does from .env
    csrfEncryptionKey: randomBytes(32).toString('base64url'),
  };
}

/** The harness's own SCRAM user (KAFKA_SASL_USERNAME); each service logs in as its name. */
export const HARNESS_KAFKA_USER = 'flowgate';

/** Started components in layers: a layer started together stops together, layers stop in reverse order. */
class Composition {
  readonly layers: StartedComponent[][] = [];
  private stopping?: Promise<string[]>;

  constructor(private readonly log: (m: string) => void) {}

  add(...layer: StartedComponent[]): void {
    this.layers.push(layer);
  }

  find(name: string): StartedComponent | undefined {
    return this.layers.flat().find((c) => c.name === name);
  }

  all(): StartedComponent[] {
    return this.layers.flat();
  }

  /** Stops every layer, last started first; returns what went wrong (each component's stop is bounded). */
  stop(stoppedOnPurpose: Map<string, Promise<void>>): Promise<string[]> {
    return (this.stopping ??= (async () => {
      const problems: string[] = [];
      for (const layer of [...this.layers].reverse())
        await Promise.all(
          layer.map((c) =>
            bounded(`stopping ${c.name}`, ['kafka', 'postgres', 'redis'].includes(c.name) ? 30_000 : 10_000, () => stoppedOnPurpose.get(c.name) ?? c.stop().then(() => this.log(`stack: ${c.name} stopped`))).catch((e) => void problems.push(errText(e))),
          ),
        );
      return problems;
    })());
  }
}

async function startInfrastructure(ctx: StackContext, comp: Composition, kafkaJars: string | undefined, certs: Promise<RunCertificates> | undefined): Promise<{ kafka: KafkaInstance; pg: PostgresInstance; redis: RedisInstance }> {
  // the three processes at once: each mostly waits on its own JVM/initdb; initdb also overlaps making the certificates
  const withCerts = async <T,>(start: () => Promise<T>) => {
    if (certs) ctx.certs = await certs;
    return start();
  };
  const [k, p, r] = await Promise.allSettled([withCerts(() => startKafkaComponent(ctx, kafkaJars)), startPostgresComponent(ctx, certs), withCerts(() => startRedisComponent(ctx))]);
  const ok = <T,>(x: PromiseSettledResult<T>): T | undefined => (x.status === 'fulfilled' ? x.value : undefined);
  const [kc, pc, rc] = [ok(k), ok(p), ok(r)];
  comp.add(...[kc, pc, rc].filter((x): x is NonNullable<typeof x> => x !== undefined));
  const failed = [k, p, r].filter((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (failed.length || !kc || !pc || !rc) {
    for (const f of failed.slice(1)) ctx.log(`stack: also failed: ${errText(f.reason)}`);
    throw failed[0].reason;
  }
  return { kafka: kc.kafka, pg: pc.pg, redis: rc.redis };
}

/** Topics and databases at once; services sharing a database migrate one after the other, in SERVICES order. */
async function prepareData(ctx: StackContext, kafka: KafkaInstance, pg: PostgresInstance): Promise<string[]> {
  const databases = stackDatabases(ctx.modules);
  await Promise.all([
    kafka.createTopics(ctx.contracts.concreteTopics()),
    ...databases.map(async (db) => {
      await pg.createDatabase(db);
      for (const m of ctx.modules) if (m.database === db && m.migrations?.length) await pg.migrate(db, m.migrations, m.name);
    }),
  ]);
  return databases;
}

function runLog(tmpDir: string, sink?: (m: string) => void): (m: string) => void {
  const stackLog = join(tmpDir, 'stack.log');
  return (m: string) => {
    try {
      appendFileSync(stackLog, `${new Date().toISOString()} ${m}\n`);
    } catch {
      // the temp dir is gone after stop(); a late log line from a closing client is dropped
    }
    sink?.(m);
  };
}

export async function startStack(opts: StackOptions = {}): Promise<StackHandle> {
  const t0 = Date.now();
  // parse first: an unknown fault name must fail before anything is started
  const faults = new Faults(opts.faults ?? '');
  const modules = opts.services ?? SERVICES;
  const tmpDir = mkdtempSync(join(opts.tmpRoot ?? tmpdir(), 'flowgate-stack-'));
  const log = runLog(tmpDir, opts.log);
  const secure = !opts.plaintext;
  const kafkaUsers: Record<string, string> = secure ? Object.fromEntries([HARNESS_KAFKA_USER, ...modules.map((m) => m.name)].map((u) => [u, randomBytes(18).toString('hex')])) : {};
  const ctx: StackContext = { tmpDir, log, contracts: contracts(), faults, modules, kafkaUsers };
  const comp = new Composition(log);
  const crashed = new Map<string, Promise<void>>();

  const stopComponent = crashOnce(comp, crashed, log);

  const exitHook = () => {
    // last resort when Node exits without stop(): kill the groups (synchronously, nothing async runs now), then remove the dir
    for (const c of comp.all()) c.killNow?.();
    if (existsSync(tmpDir)) rmSync(tmpDir, { recursive: true, force: true });
  };
  process.on('exit', exitHook);
  reapDirOnDeath(tmpDir);

  const stop = stopOnce(comp, crashed, tmpDir, log, exitHook);

  const checkAbort = () => {
    if (opts.signal?.aborted) throw new StartupError({ component: 'stack', reason: 'start aborted', elapsedMs: Date.now() - t0 });
  };

  const certs = secure ? generateRunCertificates(tmpDir) : undefined;
  try {
    certs?.catch(() => {}); // reported through the components that await it
    const { kafka, pg, redis } = await startInfrastructure(ctx, comp, opts.kafkaJars, certs);
    checkAbort();
    log(`stack: infrastructure up (${secure ? 'TLS/SASL' : 'PLAINTEXT'}) in ${Date.now() - t0} ms`);
    const databases = await prepareData(ctx, kafka, pg);
    checkAbort();
    log(`stack: ${ctx.contracts.concreteTopics().length} topics and ${databases.length} databases ready at ${Date.now() - t0} ms`);

    const secrets = generateSecrets();
    const gone = (n: string) => () => crashed.has(n);
    const services = await startServicesComponent(ctx, { kafka, pg, redis, secrets, kafkaGone: gone('kafka'), redisGone: gone('redis') });
    comp.add(services);
    checkAbort();
    log(`stack: ${modules.length} services listening at ${Date.now() - t0} ms`);

    const gateway = await startGatewayComponent(ctx, {
      kongFile: KONG_FILE,
      upstreams: services.upstreams,
      // P0-05-email-exposed: someone routed the email service's internal API through the gateway.
      faultRoutes: () => [
        ...(faults.on('P0-05-email-exposed') ? [{ prefix: '/internal/email', service: 'email-service' }] : []),
        ...(faults.on('health-catch-all') ? [{ prefix: '/health/', service: 'qr-auth-service' }] : []),
      ],
    });
    comp.add(gateway);
    const control = await startControlComponent(ctx, stopComponent);
    comp.add(control);
    const hidden = ctx.certs ? await startHiddenPortsComponent({ ...ctx, certs: ctx.certs }, { http: gateway.port, admin: gateway.port, kafka: kafka.port, redis: redis.port }) : undefined;
    if (hidden) comp.add(hidden);

    const dbUrls = Object.fromEntries(databases.map((db) => [db, pg.url(db)]));
    const transport: StackTransport | undefined = ctx.certs
      ? { caFile: ctx.certs.caFile, kafkaUser: HARNESS_KAFKA_USER, kafkaPassword: kafkaUsers[HARNESS_KAFKA_USER], publicEndpoints: [gateway.port, gateway.plainPort].filter(Boolean).map((p) => `127.0.0.1:${p}`), ...(hidden ? { conventionalPorts: hidden.value } : {}) }
      : undefined;
    const env = buildStackEnv({ kongUrl: gateway.url, brokers: kafka.brokers, redisUrl: redis.url, dbUrls, secrets, controlUrl: control.url, ...(transport ? { transport } : {}) });
    // Criterion 3 and the P0-06/07/10 source rules scan what the embedded system is built from; the source faults plant into it.
    const source = snapshotSource(tmpDir);
    source.apply((f) => faults.on(f));
    faults.onChange(async () => source.apply((f) => faults.on(f)));
    env.FLOWGATE_SOURCE_DIR = source.dir;
    const readyMs = Date.now() - t0;
    log(`stack: ready in ${(readyMs / 1000).toFixed(1)} s (temp dir ${tmpDir})`);

    return {
      env,
      faults,
      controlUrl: control.url,
      tmpDir,
      readyMs,
      transport: secure ? 'tls' : 'plaintext',
      pids: () => comp.all().flatMap((c) => c.pids()),
      ports: () => comp.all().flatMap((c) => c.ports()),
      stopComponent,
      stop,
    };
  } catch (e) {
    log(`stack: start failed after ${Date.now() - t0} ms${e instanceof StartupError ? ` (${e.component})` : ''}; stopping what was started`);
    // the fault certificates are still being made when a component fails fast: their openssl must end before the dir goes
    await certs?.then((c) => c.faultCerts).catch(() => {});
    await stop().catch((se) => log(`stack: cleanup after the failed start: ${errText(se)}`));
    if (e instanceof StartupError) {
      // the tail is in the message; the file itself went with the temp dir
      if (e.logFile?.startsWith(tmpDir)) e.message = e.message.replace(`  log: ${e.logFile}`, `  log: ${e.logFile} (removed with the run's temp dir)`);
      throw e;
    }
    throw new StartupError({ component: 'stack', reason: errText(e), elapsedMs: Date.now() - t0, cause: e });
  }
}

/** The control port's outage on purpose: the component is crashed (killed, or the gateway closed) once. */
function crashOnce(comp: Composition, crashed: Map<string, Promise<void>>, log: (m: string) => void): (name: StoppableComponent) => Promise<void> {
  return (name) => {
    let p = crashed.get(name);
    if (!p) {
      if (!['kafka', 'postgres', 'redis', 'gateway'].includes(name)) return Promise.reject(new Error(`unknown component ${name}`));
      const c = comp.find(name);
      p = (c?.crash ?? c?.stop)?.call(c).then(() => log(`stack: ${name} stopped`)) ?? Promise.resolve();
      crashed.set(name, p);
    }
    return p;
  };
}

/** stop(): every component in reverse, then the temp dir; idempotent; throws only when something was left behind. */
function stopOnce(comp: Composition, crashed: Map<string, Promise<void>>, tmpDir: string, log: (m: string) => void, exitHook: () => void): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= (async () => {
      const problems = await comp.stop(crashed);
      const leftover = comp.all().filter((c) => c.killNow && c.pids().some(isAlive)).map((c) => `${c.name} (pid ${c.pids().join(',')})`);
      if (leftover.length) problems.push(`still running: ${leftover.join(', ')}`);
      if (problems.length) log(`stack: stop: ${problems.join('; ')}`);
      try {
        rmSync(tmpDir, { recursive: true, force: true });
      } catch (e) {
        problems.push(`removing ${tmpDir}: ${errText(e)}`);
      }
      process.off('exit', exitHook);
      forgetDir(tmpDir);
      // only what leaves something behind fails stop()
      const fatal = problems.filter((p) => p.startsWith('still running') || p.startsWith('removing') || /^stopping (kafka|postgres|redis)/.test(p));
      if (fatal.length) throw new Error(`stack stop left things behind: ${fatal.join('; ')}`);
    })());
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
