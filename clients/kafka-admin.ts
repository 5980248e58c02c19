// A Kafka admin client for the target (its TLS and SASL settings), quiet and with a bounded retry: how preflight and the transport checks ask the brokers.
import { Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import { kafkaClientConfig, type TargetConfig } from '../helpers/config/config';

export interface KafkaAdminOptions {
  /** the client id the brokers log; the target's default when unset */
  clientId?: string;
  /** how often kafkajs retries a request before it gives up */
  retries: number;
}

export function kafkaAdmin(target: TargetConfig, o: KafkaAdminOptions): Admin {
  return new Kafka({ ...(kafkaClientConfig(target, o.clientId) as KafkaConfig), logLevel: logLevel.NOTHING, retry: { retries: o.retries } }).admin();
}
