// The services as one stack component: each with its own pool, Kafka bus (its own SCRAM user) and Fastify instance, sharing one Redis client and the fault switchboard.
import type { FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import Redis from 'ioredis';
import type { ServiceContext, StackSecrets } from '../types';
import { StartupError, errText, tailLines } from '../infra/errors';
import type { KafkaInstance } from '../infra/kafka';
import type { PostgresInstance } from '../infra/postgres';
import type { RedisInstance } from '../infra/redis';
import { createBus } from '../services/common/bus';
import { buildServiceApp } from '../services/common/app';
import { bounded, type StackContext, type StartedComponent } from './component';

interface RunningService {
  name: string;
  app?: FastifyInstance;
  bus?: { close(): Promise<void> };
  pool?: Pool;
  port?: number;
}

export interface StartedServices extends StartedComponent {
  /** service name → its local HTTP base URL (the gateway's upstreams) */
  upstreams: Record<string, string>;
}

export interface ServiceInfra {
  kafka: KafkaInstance;
  pg: PostgresInstance;
  redis: RedisInstance;
  secrets: StackSecrets;
  /** true once Kafka was stopped on purpose: closing a client of a dead broker only retries in vain */
  kafkaGone(): boolean;
  redisGone(): boolean;
}

async function startOne(ctx: StackContext, infra: ServiceInfra, redisClient: Redis, mod: StackContext['modules'][number], s: RunningService): Promise<void> {
  const ts = Date.now();
  const recent: string[] = [];
  const slog = (m: string) => {
    recent.push(m);
    if (recent.length > 20) recent.shift();
    ctx.log(`[${mod.name}] ${m}`);
  };
  try {
    if (mod.database) {
      s.pool = new Pool({ connectionString: infra.pg.clientUrl(mod.database), ssl: infra.pg.clientSsl(), max: 5 });
      s.pool.on('error', (e) => slog(`database pool: ${errText(e)}`));
    }
    // each service logs in to Kafka as its own SCRAM user
    const bus = await createBus({ brokers: infra.kafka.brokers, clientId: mod.name, groupId: mod.name, contracts: ctx.contracts, log: slog, ...infra.kafka.clientSecurity(ctx.certs ? mod.name : undefined) });
    s.bus = bus;
    const sctx: ServiceContext = { name: mod.name, contracts: ctx.contracts, db: s.pool, redis: redisClient, bus, faults: ctx.faults, secrets: infra.secrets, log: slog };
    s.app = await buildServiceApp(mod, sctx);
    await s.app.listen({ host: '127.0.0.1', port: 0 });
    const addr = s.app.server.address();
    s.port = typeof addr === 'object' && addr ? addr.port : undefined;
  } catch (e) {
    throw new StartupError({ component: 'services', reason: `${mod.name} did not start: ${errText(e)}`, elapsedMs: Date.now() - ts, logTail: tailLines(recent.join('\n')), cause: e });
  }
}

export async function startServicesComponent(ctx: StackContext, infra: ServiceInfra): Promise<StartedServices> {
  const redisClient = new Redis(infra.redis.url, { ...infra.redis.clientOptions(), maxRetriesPerRequest: 2, lazyConnect: false });
  let redisErrorLogged = false;
  redisClient.on('error', (e) => {
    if (!redisErrorLogged) ctx.log(`stack: redis client: ${errText(e)}`);
    redisErrorLogged = true;
  });
  redisClient.on('ready', () => (redisErrorLogged = false));
  const services: RunningService[] = ctx.modules.map((m) => ({ name: m.name }));

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const problems: string[] = [];
      const step = (what: string, ms: number, fn: () => Promise<unknown>) => bounded(what, ms, fn).catch((e) => void problems.push(`${what}: ${errText(e)}`));
      await Promise.all(
        services.map(async (s) => {
          if (s.app) await step(`closing ${s.name}'s HTTP server`, 5_000, () => s.app!.close());
          if (s.bus) await step(`closing ${s.name}'s Kafka clients`, infra.kafkaGone() ? 1_000 : 5_000, () => s.bus!.close());
          if (s.pool) await step(`closing ${s.name}'s database pool`, 5_000, () => s.pool!.end());
        }),
      );
      await step('closing the Redis client', 2_000, async () => {
        if (infra.redisGone()) redisClient.disconnect();
        else await redisClient.quit().catch(() => redisClient.disconnect());
      });
      // a slow client close is logged, not fatal: nothing is left behind by it
      if (problems.length) ctx.log(`stack: stop: ${problems.join('; ')}`);
    })());

  const handle: StartedServices = {
    name: 'services',
    stop,
    pids: () => [],
    ports: () => services.map((s) => s.port).filter((p): p is number => typeof p === 'number'),
    upstreams: {},
  };
  // allSettled: on a failure, stop() must only run once no other service is still half-way through creating clients
  const started = await Promise.allSettled(ctx.modules.map((mod, i) => startOne(ctx, infra, redisClient, mod, services[i])));
  const failure = started.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (failure) {
    await stop();
    throw failure.reason;
  }
  handle.upstreams = Object.fromEntries(services.map((s) => [s.name, `http://127.0.0.1:${s.port}`]));
  return handle;
}
