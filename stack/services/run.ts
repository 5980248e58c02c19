// One service in its own process (the containers of docker-compose.test.yml): its module, wired from the environment.
import Redis from 'ioredis';
import { Pool } from 'pg';
import { contracts } from '../../contracts';
import { Faults } from '../faults';
import type { ServiceContext } from '../types';
import { SERVICES } from './index';
import { createBus } from './common/bus';
import { buildServiceApp } from './common/app';
import { kafkaSecurityFromEnv, poolConfigFromEnv, redisConfigFromEnv } from './common/env-clients';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (see .env.example and docker-compose.test.yml)`);
  return v;
}

async function main() {
  const name = process.argv[2];
  const mod = SERVICES.find((m) => m.name === name);
  if (!mod) throw new Error(`unknown service "${name ?? ''}"; one of: ${SERVICES.map((m) => m.name).join(', ')}`);
  const log = (m: string) => console.log(`[${mod.name}] ${m}`);
  const c = contracts();

  let pool: Pool | undefined;
  if (mod.database) {
    // TLS as the URL's sslmode and DB_SSL_CA_FILE say (docker-compose.test.yml: verify-full against the mounted CA)
    pool = new Pool({ ...poolConfigFromEnv(required('DATABASE_URL'), process.env), max: 5 });
    for (const sql of mod.migrations ?? []) await pool.query(sql);
  }
  const redis = new Redis({ ...redisConfigFromEnv(required('REDIS_URL'), process.env), maxRetriesPerRequest: 2 });
  const bus = await createBus({ brokers: required('KAFKA_BROKERS').split(','), ...kafkaSecurityFromEnv(process.env), clientId: mod.name, groupId: mod.name, contracts: c, log });
  const ctx: ServiceContext = {
    name: mod.name,
    contracts: c,
    db: pool,
    redis,
    bus,
    // Faults belong to the embedded stack's tests; a container runs healthy.
    faults: new Faults(),
    secrets: { jwtSecret: required('JWT_TEST_SIGNING_KEY'), stripeWebhookSecret: required('STRIPE_WEBHOOK_SECRET'), captchaTestKey: required('CAPTCHA_TEST_KEY'), csrfEncryptionKey: required('CSRF_ENCRYPTION_KEY') },
    log,
  };
  const app = await buildServiceApp(mod, ctx);
  // 0.0.0.0: the gateway container reaches this one over the compose network.
  await app.listen({ host: '0.0.0.0', port: Number(process.env.PORT ?? 8080) });
  log(`listening on ${process.env.PORT ?? 8080}`);

  const stop = async () => {
    await app.close();
    await bus.close();
    await pool?.end();
    redis.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(`service failed to start: ${err?.message ?? err}`);
  process.exit(1);
});
