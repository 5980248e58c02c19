// Client options from the target's configuration: the Kafka client's here, pg's and ioredis' from contracts/connection.ts, each with the TLS and credentials the target asks for.
import { readFileSync } from 'node:fs';
import type { SaslMechanism } from './parsers';
import type { TargetConfig } from './target-config';

const readCa = (f: string | undefined): string[] | undefined => (f ? [readFileSync(f, 'utf8')] : undefined);

export interface KafkaClientConfig {
  clientId: string;
  brokers: string[];
  ssl: boolean | { ca?: string[]; rejectUnauthorized: true };
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

/** The Kafka client's connection: TLS (with the CA when given) and SASL/SCRAM as staging requires. */
export function kafkaClientConfig(cfg: TargetConfig, clientId = `flowgate-${cfg.runId}`): KafkaClientConfig {
  const ca = readCa(cfg.kafka.sslCaFile);
  return {
    clientId,
    brokers: [...cfg.kafka.brokers],
    ssl: cfg.kafka.ssl ? (ca ? { ca, rejectUnauthorized: true } : true) : false,
    ...(cfg.kafka.sasl ? { sasl: { ...cfg.kafka.sasl } } : {}),
  };
}

// pg and ioredis options are the same for the harness and the embedded services: contracts/connection.ts builds them.
export { pgClientConfig, redisOptions, type PgClientConfig, type RedisClientOptions } from '../../contracts/connection';
