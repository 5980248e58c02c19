// Kafka, PostgreSQL and Redis as stack components: started from the run's certificates (TLS/SASL by default), their faults wired to the switchboard.
import { startKafka, type KafkaInstance } from '../infra/kafka';
import { startPostgres, type PostgresInstance } from '../infra/postgres';
import { startRedis, type RedisInstance } from '../infra/redis';
import type { ManagedProcess } from '../infra/process';
import type { RunCertificates } from '../infra/tls';
import type { StackContext, StartedComponent } from './component';

function processComponent(name: 'kafka' | 'postgres' | 'redis', x: { process: ManagedProcess; pid: number; stop(): Promise<void> }, ports: () => (number | undefined)[]): StartedComponent {
  return {
    name,
    stop: () => x.stop(),
    // PostgreSQL's smart shutdown would wait for the services' idle connections: an outage is a kill
    crash: () => x.process.crash(),
    killNow: () => x.process.killNow(),
    pids: () => [x.pid],
    ports: () => ports().filter((p): p is number => typeof p === 'number' && p > 0),
  };
}

const tlsOf = (ctx: StackContext, c: 'kafka' | 'redis' | 'postgres') =>
  ctx.certs ? { keyFile: ctx.certs.server[c].keyFile, certFile: ctx.certs.server[c].certFile, caFile: ctx.certs.caFile } : undefined;

export async function startKafkaComponent(ctx: StackContext, jarsDir?: string): Promise<StartedComponent & { kafka: KafkaInstance }> {
  const tls = tlsOf(ctx, 'kafka');
  const kafka = await startKafka({
    dir: ctx.tmpDir,
    jarsDir,
    log: ctx.log,
    ...(tls ? { security: { ...tls, users: ctx.kafkaUsers, plaintextListener: ctx.faults.on('tls-kafka-plaintext-listener') } } : {}),
  });
  return { ...processComponent('kafka', kafka, () => [kafka.port, kafka.controllerPort, kafka.plaintextPort]), kafka };
}

/** certs: the run's certificates still being made (initdb does not need them, so it runs meanwhile); undefined in plaintext mode */
export async function startPostgresComponent(ctx: StackContext, certs?: Promise<RunCertificates>): Promise<StartedComponent & { pg: PostgresInstance }> {
  const tlsP = certs?.then((c) => ({ keyFile: c.server.postgres.keyFile, certFile: c.server.postgres.certFile, caFile: c.caFile }));
  const pg = await startPostgres({ dir: ctx.tmpDir, log: ctx.log, ...(tlsP ? { tls: tlsP } : {}) });
  const tls = pg.tls;
  let accepting = false;
  if (tls)
    ctx.faults.onChange(async (f) => {
      const want = f.on('tls-postgres-accepts-plaintext');
      if (want !== accepting) await pg.setAcceptPlaintext((accepting = want));
    });
  return { ...processComponent('postgres', pg, () => [pg.port]), pg };
}

export async function startRedisComponent(ctx: StackContext): Promise<StartedComponent & { redis: RedisInstance }> {
  const tls = tlsOf(ctx, 'redis');
  const redis = await startRedis({ dir: ctx.tmpDir, log: ctx.log, ...(tls ? { tls } : {}) });
  let plainPort: number | undefined;
  let configDenied = false;
  if (tls)
    ctx.faults.onChange(async (f) => {
      const want = f.on('tls-redis-plaintext-port');
      const deny = f.on('tls-redis-config-denied');
      // the plaintext port is switched with CONFIG SET: CONFIG is allowed again before, and denied only after
      if (!deny && configDenied) await redis.setConfigDenied((configDenied = false));
      if (want !== (plainPort !== undefined)) plainPort = await redis.setPlaintextPort(want);
      if (deny && !configDenied) await redis.setConfigDenied((configDenied = true));
    });
  return { ...processComponent('redis', redis, () => [redis.port, plainPort]), redis };
}
