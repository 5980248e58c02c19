// The target's variables the embedded stack hands back (exactly those a staging run is given), and the secrets it makes for a run.
import { randomBytes } from 'node:crypto';
import { DATABASE_ENV, DATABASE_NAMES, type DatabaseName } from '../contracts/databases';
import type { StackSecrets } from './types';

export { DATABASE_ENV } from '../contracts/databases';

/** The harness's own SCRAM user (KAFKA_SASL_USERNAME); each service logs in as its name. */
export const HARNESS_KAFKA_USER = 'flowgate';

/** The variable a database's URL is published as (contracts/databases.ts). */
export function databaseEnvKey(db: DatabaseName): string {
  return DATABASE_ENV[db];
}

/** Every database the stack creates: each of contracts/databases.ts once, whichever services run. */
export function stackDatabases(): DatabaseName[] {
  return [...DATABASE_NAMES];
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
export function buildStackEnv(o: { kongUrl: string; brokers: string[]; redisUrl: string; dbUrls: Partial<Record<DatabaseName, string>>; secrets: StackSecrets; controlUrl: string; transport?: StackTransport }): Record<string, string> {
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
  for (const db of DATABASE_NAMES) {
    const url = o.dbUrls[db];
    if (url) env[databaseEnvKey(db)] = url;
  }
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
