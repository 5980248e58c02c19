// Starts and stops the whole embedded reference stack as a composition of components (certificates, Kafka, PostgreSQL, Redis, the services, the gateway, the control port) and hands back the target's variables.
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { contracts } from '../contracts';
import { Faults } from './faults';
import { snapshotSource } from './source';
import type { ServiceModule } from './types';
import { StartupError, errText } from './infra/errors';
import { reapDirOnDeath } from './infra/reaper';
import { generateRunCertificates, type RunCertificates } from './infra/tls';
import type { KafkaInstance } from './infra/kafka';
import type { PostgresInstance } from './infra/postgres';
import type { RedisInstance } from './infra/redis';
import { SERVICES } from './services';
import type { StackContext } from './components/component';
import { startKafkaComponent, startPostgresComponent, startRedisComponent } from './components/infra';
import { startServicesComponent } from './components/services';
import { startGatewayComponent } from './components/gateway';
import { startHiddenPortsComponent } from './components/hidden-ports';
import { startControlComponent } from './components/control';
import type { ComponentName, ProgressEvent, StoppableComponent } from './components/registry';
import { Composition } from './composition';
import { buildStackEnv, generateSecrets, HARNESS_KAFKA_USER, stackDatabases, type StackTransport } from './env';

export { StartupError } from './infra/errors';
export type { ComponentName, ProgressEvent, StoppableComponent } from './components/registry';
export { COMPONENTS, STOPPABLE_COMPONENTS, isProgressLine } from './components/registry';
export { DATABASE_ENV, HARNESS_KAFKA_USER, buildStackEnv, databaseEnvKey, generateSecrets, stackDatabases, type StackTransport } from './env';

export const KONG_FILE = join(__dirname, 'gateway', 'kong.yml');

export interface StackOptions {
  /** STACK_FAULTS syntax: `a,b,latency:createAsset=40000` */
  faults?: string;
  /** progress and service logs (they also go to <tmpDir>/stack.log) */
  log?: (m: string) => void;
  /** each component as it starts and once it is ready (a progress line while the stack starts) */
  onProgress?: (event: ProgressEvent) => void;
  /** the Kafka jars (default: the version STACK_KAFKA_VERSION picks under .cache, or $FLOWGATE_KAFKA_JARS) */
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

interface Infrastructure {
  kafka: KafkaInstance;
  pg: PostgresInstance;
  redis: RedisInstance;
}

/** One start in progress: its context, what it has started, and the clock its progress is told against. */
interface Run {
  ctx: StackContext;
  comp: Composition;
  t0: number;
  opts: StackOptions;
  certs?: Promise<RunCertificates>;
}

/** Runs one component's start between its 'starting' and 'ready' events; a listener that throws is not the start's failure. */
async function tracked<T>(run: Run, component: ComponentName, start: () => Promise<T>): Promise<T> {
  const tell = (phase: ProgressEvent['phase']) => {
    try {
      run.opts.onProgress?.({ component, phase, elapsedMs: Date.now() - run.t0 });
    } catch (e) {
      run.ctx.log(`stack: progress listener: ${errText(e)}`);
    }
  };
  tell('starting');
  const value = await start();
  tell('ready');
  return value;
}

function checkAbort(run: Run): void {
  if (run.opts.signal?.aborted) throw new StartupError({ component: 'stack', reason: 'start aborted', elapsedMs: Date.now() - run.t0 });
}

async function startInfrastructure(run: Run): Promise<Infrastructure> {
  const { ctx, comp } = run;
  // the three processes at once: each mostly waits on its own JVM/initdb; initdb also overlaps making the certificates
  const withCerts = async <T,>(start: () => Promise<T>) => {
    if (run.certs) ctx.certs = await run.certs;
    return start();
  };
  const [k, p, r] = await Promise.allSettled([
    tracked(run, 'kafka', () => withCerts(() => startKafkaComponent(ctx, run.opts.kafkaJars))),
    tracked(run, 'postgres', () => startPostgresComponent(ctx, run.certs)),
    tracked(run, 'redis', () => withCerts(() => startRedisComponent(ctx))),
  ]);
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
async function prepareData(ctx: StackContext, { kafka, pg }: Infrastructure): Promise<void> {
  await Promise.all([
    kafka.createTopics(ctx.contracts.concreteTopics()),
    ...stackDatabases().map(async (db) => {
      await pg.createDatabase(db);
      for (const m of ctx.modules) if (m.database === db && m.migrations?.length) await pg.migrate(db, m.migrations, m.name);
    }),
  ]);
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

/** The services, then the gateway in front of them, the control port and the conventional ports' faults. */
async function startFront(run: Run, infra: Infrastructure) {
  const { ctx, comp } = run;
  const faults = ctx.faults;
  const secrets = generateSecrets();
  const gone = (n: ComponentName) => () => comp.crashedOnPurpose(n);
  const services = await tracked(run, 'services', () => startServicesComponent(ctx, { ...infra, secrets, kafkaGone: gone('kafka'), redisGone: gone('redis') }));
  comp.add(services);
  checkAbort(run);
  ctx.log(`stack: ${ctx.modules.length} services listening at ${Date.now() - run.t0} ms`);
  const gateway = await tracked(run, 'gateway', () =>
    startGatewayComponent(ctx, {
      kongFile: KONG_FILE,
      upstreams: services.upstreams,
      // P0-05-email-exposed: someone routed the email service's internal API through the gateway.
      faultRoutes: () => [
        ...(faults.on('P0-05-email-exposed') ? [{ prefix: '/internal/email', service: 'email-service' }] : []),
        ...(faults.on('health-catch-all') ? [{ prefix: '/health/', service: 'qr-auth-service' }] : []),
      ],
    }),
  );
  comp.add(gateway);
  const control = await tracked(run, 'control', () => startControlComponent(ctx, (c) => comp.crash(c)));
  comp.add(control);
  const certs = ctx.certs;
  const hidden = certs ? await tracked(run, 'hidden-ports', () => startHiddenPortsComponent({ ...ctx, certs }, { http: gateway.port, admin: gateway.port, kafka: infra.kafka.port, redis: infra.redis.port })) : undefined;
  if (hidden) comp.add(hidden);
  return { secrets, gateway, control, hidden };
}

/** The target's variables of a started stack, with the source snapshot the source faults plant into. */
function targetEnv(run: Run, infra: Infrastructure, front: Awaited<ReturnType<typeof startFront>>, kafkaUsers: Record<string, string>): Record<string, string> {
  const { ctx } = run;
  const { gateway, hidden } = front;
  const dbUrls = Object.fromEntries(stackDatabases().map((db) => [db, infra.pg.url(db)]));
  const transport: StackTransport | undefined = ctx.certs
    ? { caFile: ctx.certs.caFile, kafkaUser: HARNESS_KAFKA_USER, kafkaPassword: kafkaUsers[HARNESS_KAFKA_USER], publicEndpoints: [gateway.port, gateway.plainPort].filter(Boolean).map((p) => `127.0.0.1:${p}`), ...(hidden ? { conventionalPorts: hidden.value } : {}) }
    : undefined;
  const env = buildStackEnv({ kongUrl: gateway.url, brokers: infra.kafka.brokers, redisUrl: infra.redis.url, dbUrls, secrets: front.secrets, controlUrl: front.control.url, ...(transport ? { transport } : {}) });
  // Criterion 3 and the P0-06/07/10 source rules scan what the embedded system is built from; the source faults plant into it.
  const source = snapshotSource(ctx.tmpDir);
  source.apply((f) => ctx.faults.on(f));
  ctx.faults.onChange(async () => source.apply((f) => ctx.faults.on(f)));
  env.FLOWGATE_SOURCE_DIR = source.dir;
  return env;
}

/** The run's context: its temp dir, log, faults (parsed first: an unknown fault name fails before anything starts) and SCRAM users. */
function newRun(opts: StackOptions): Run & { kafkaUsers: Record<string, string> } {
  const t0 = Date.now();
  const faults = new Faults(opts.faults ?? '');
  const modules = opts.services ?? SERVICES;
  const tmpDir = mkdtempSync(join(opts.tmpRoot ?? tmpdir(), 'flowgate-stack-'));
  const log = runLog(tmpDir, opts.log);
  const kafkaUsers: Record<string, string> = opts.plaintext ? {} : Object.fromEntries([HARNESS_KAFKA_USER, ...modules.map((m) => m.name)].map((u) => [u, randomBytes(18).toString('hex')]));
  const ctx: StackContext = { tmpDir, log, contracts: contracts(), faults, modules, kafkaUsers };
  return { ctx, comp: new Composition(log), t0, opts, kafkaUsers };
}

export async function startStack(opts: StackOptions = {}): Promise<StackHandle> {
  const run = newRun(opts);
  const { ctx, comp, t0 } = run;
  const { tmpDir, log } = ctx;
  const exitHook = () => {
    // last resort when Node exits without stop(): kill the groups (synchronously, nothing async runs now), then remove the dir
    for (const c of comp.all()) c.killNow?.();
    if (existsSync(tmpDir)) rmSync(tmpDir, { recursive: true, force: true });
  };
  process.on('exit', exitHook);
  reapDirOnDeath(tmpDir);
  const stop = () => comp.stop(tmpDir, exitHook);
  if (!opts.plaintext) run.certs = tracked(run, 'certificates', () => generateRunCertificates(tmpDir));
  try {
    run.certs?.catch(() => {}); // reported through the components that await it
    const infra = await startInfrastructure(run);
    checkAbort(run);
    log(`stack: infrastructure up (${opts.plaintext ? 'PLAINTEXT' : 'TLS/SASL'}) in ${Date.now() - t0} ms`);
    await prepareData(ctx, infra);
    checkAbort(run);
    log(`stack: ${ctx.contracts.concreteTopics().length} topics and ${stackDatabases().length} databases ready at ${Date.now() - t0} ms`);
    const front = await startFront(run, infra);
    const env = targetEnv(run, infra, front, run.kafkaUsers);
    const readyMs = Date.now() - t0;
    log(`stack: ready in ${(readyMs / 1000).toFixed(1)} s (temp dir ${tmpDir})`);
    return {
      env,
      faults: ctx.faults,
      controlUrl: front.control.url,
      tmpDir,
      readyMs,
      transport: opts.plaintext ? 'plaintext' : 'tls',
      pids: () => comp.all().flatMap((c) => c.pids()),
      ports: () => comp.all().flatMap((c) => c.ports()),
      stopComponent: (c) => comp.crash(c),
      stop,
    };
  } catch (e) {
    throw await failedStart(run, stop, e);
  }
}

/** After a failed start: stop what was started and say what failed (the log tail is in the message; the file went with the temp dir). */
async function failedStart(run: Run, stop: () => Promise<void>, e: unknown): Promise<StartupError> {
  const { log, tmpDir } = run.ctx;
  log(`stack: start failed after ${Date.now() - run.t0} ms${e instanceof StartupError ? ` (${e.component})` : ''}; stopping what was started`);
  // the fault certificates are still being made when a component fails fast: their openssl must end before the dir goes
  await run.certs?.then((c) => c.faultCerts).catch(() => {});
  await stop().catch((se) => log(`stack: cleanup after the failed start: ${errText(se)}`));
  if (e instanceof StartupError) {
    if (e.logFile?.startsWith(tmpDir)) e.message = e.message.replace(`  log: ${e.logFile}`, `  log: ${e.logFile} (removed with the run's temp dir)`);
    return e;
  }
  return new StartupError({ component: 'stack', reason: errText(e), elapsedMs: Date.now() - run.t0, cause: e });
}
