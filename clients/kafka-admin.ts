// A Kafka admin client for the target (its TLS and SASL settings), with a bounded retry: how preflight and the transport checks ask the brokers.
import { createAdmin, type KafkaAdmin } from '../stack/services/common/kafka-client';
import { kafkaClientConfig, type TargetConfig } from '../helpers/config/config';

export type { KafkaAdmin } from '../stack/services/common/kafka-client';

export interface KafkaAdminOptions {
  /** the client id the brokers log; the target's default when unset */
  clientId?: string;
  /** how often the client retries a request before it gives up */
  retries: number;
  /** TCP + TLS + SASL budget of one connection (the client's default when unset) */
  connectTimeoutMs?: number;
}

export function kafkaAdmin(target: TargetConfig, o: KafkaAdminOptions): KafkaAdmin {
  const c = kafkaClientConfig(target, o.clientId);
  return createAdmin(c, c.clientId, { retries: o.retries, ...(o.connectTimeoutMs ? { connectTimeoutMs: o.connectTimeoutMs } : {}) });
}
