// The seams between the stack's infrastructure, its services and its gateway: what a service is given and what it gives back.
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import type { Contracts } from '../contracts';
import type { DatabaseName } from '../contracts/databases';
import type { Faults } from './faults';

export interface StackSecrets {
  /** HS256 key every service verifies JWTs with; printed as JWT_TEST_SIGNING_KEY */
  jwtSecret: string;
  /** Stripe webhook signing secret (whsec_…); printed as STRIPE_WEBHOOK_SECRET */
  stripeWebhookSecret: string;
  /** CAPTCHA test key; printed as CAPTCHA_TEST_KEY */
  captchaTestKey: string;
  /** qr-auth's CSRF token key (a container reads CSRF_ENCRYPTION_KEY, required: no ephemeral fallback, seed P0-10); not a harness variable */
  csrfEncryptionKey: string;
}

export interface ProduceOptions {
  key?: string;
  /** extra headers; schema-version "1.0" is always added unless omitSchemaVersion */
  headers?: Record<string, string>;
  /** only faults use this: produce without the frozen schema-version header */
  omitSchemaVersion?: boolean;
}

export interface ConsumedEvent {
  topic: string;
  key: string | null;
  headers: Record<string, string>;
  /** parsed JSON value; undefined when the value was not JSON */
  value: any;
  raw: string;
}

export interface EventBus {
  produce(topic: string, payload: unknown, opts?: ProduceOptions): Promise<void>;
  /** Subscribes the service's own consumer group to topics (names or RegExp); the handler runs per message, in order. */
  consume(topics: (string | RegExp)[], handler: (ev: ConsumedEvent) => Promise<void>): Promise<void>;
  /** creates a topic the stack did not (one partition); nothing when it exists. Only a fault that produces to a new topic needs it. */
  createTopic(topic: string): Promise<void>;
}

export interface ServiceContext {
  name: string;
  contracts: Contracts;
  /** pool on the service's own database (undefined when the service has none) */
  db?: Pool;
  redis: Redis;
  bus: EventBus;
  faults: Faults;
  secrets: StackSecrets;
  log(msg: string): void;
}

export interface ServiceModule {
  /** the name in openapi.yaml x-services */
  name: string;
  /** the database the service owns (created by the stack; one of contracts/databases.ts) */
  database?: DatabaseName;
  /** SQL statements run in order on the service's database at start; idempotent (CREATE … IF NOT EXISTS) */
  migrations?: string[];
  /** registers routes (from the contract) and Kafka consumers on the service's own Fastify instance */
  register(app: FastifyInstance, ctx: ServiceContext): Promise<void>;
}
