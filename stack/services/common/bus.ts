// The services' Kafka client: produces frozen-contract events with the schema-version header and consumes in the service's own group.
import { Kafka, logLevel, Partitioners, type Consumer, type LogEntry } from 'kafkajs';
import type { Contracts } from '../../../contracts';
import type { ConsumedEvent, EventBus, ProduceOptions } from '../../types';

export interface BusOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  contracts: Contracts;
  log: (m: string) => void;
  /** TLS and SASL/SCRAM as the broker demands (kafkajs options); absent for a plaintext broker */
  ssl?: { ca: string[]; rejectUnauthorized: true } | boolean;
  sasl?: { mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain'; username: string; password: string };
  /** how long consume() waits for the group to be joined and the first fetch to return (default 30 s) */
  joinTimeoutMs?: number;
}

const RETRIED_AT_START = /group coordinator is not available|coordinator is loading/i;
const LEVEL_NAMES: Record<number, string> = { [logLevel.ERROR]: 'ERROR', [logLevel.WARN]: 'WARN', [logLevel.INFO]: 'INFO', [logLevel.DEBUG]: 'DEBUG' };

export async function createBus(opts: BusOptions): Promise<EventBus & { close(): Promise<void> }> {
  const kafka = new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    ...(opts.ssl ? { ssl: opts.ssl } : {}),
    ...(opts.sasl ? { sasl: opts.sasl as any } : {}),
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        // a fresh broker answers "coordinator not available/loading" while __consumer_offsets is created; kafkajs retries it
        if (RETRIED_AT_START.test(String(log.error ?? ''))) return;
        opts.log(`kafka ${LEVEL_NAMES[level] ?? level}: ${log.message}${log.error ? ` (${log.error})` : ''}`);
      },
    retry: { initialRetryTime: 100, retries: 8 },
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumers: Consumer[] = [];
  const versionHeader = opts.contracts.schemaVersionHeader;
  const version = opts.contracts.schemaVersion;

  return {
    async produce(topic: string, payload: unknown, po: ProduceOptions = {}) {
      const headers: Record<string, string> = { ...(po.headers ?? {}) };
      if (po.omitSchemaVersion) delete headers[versionHeader];
      else headers[versionHeader] = version;
      await producer.send({ topic, acks: -1, messages: [{ key: po.key ?? null, value: JSON.stringify(payload), headers }] });
    },

    async createTopic(topic: string) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      } finally {
        await admin.disconnect();
      }
    },

    async consume(topics, handler) {
      // A second consume() on the same bus gets its own group, so two subscriptions never share one group's assignment.
      const groupId = consumers.length === 0 ? opts.groupId : `${opts.groupId}.${consumers.length}`;
      const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: false });

      // Ready only after the group is joined AND a first fetch resolved the "latest" offsets: a message produced
      // after consume() resolves is then always seen (services start before anyone produces).
      let joined = false;
      const ready = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${opts.clientId}: consumer group ${groupId} not ready after ${opts.joinTimeoutMs ?? 30_000} ms (topics ${topics.join(', ')})`)),
          opts.joinTimeoutMs ?? 30_000,
        );
        consumer.on(consumer.events.GROUP_JOIN, () => {
          joined = true;
        });
        consumer.on(consumer.events.FETCH, () => {
          if (!joined) return;
          clearTimeout(timer);
          resolve();
        });
      });

      await consumer.run({
        eachMessage: async ({ topic, message }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) {
            if (v === undefined) continue;
            headers[k] = Array.isArray(v) ? v.map(String).join(',') : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
          }
          const raw = message.value ? message.value.toString('utf8') : '';
          let value: any;
          try {
            value = raw ? JSON.parse(raw) : undefined;
          } catch {
            value = undefined; // junk on a topic must never stop the consumer
          }
          const ev: ConsumedEvent = { topic, key: message.key ? message.key.toString('utf8') : null, headers, value, raw };
          try {
            await handler(ev);
          } catch (e: any) {
            // skipped, not retried: a poison message must not turn into a crash loop
            opts.log(`${opts.clientId}: handler failed on ${topic}@${message.offset}, message skipped: ${e?.stack ?? e}`);
          }
        },
      });
      await ready;
    },

    async close() {
      await Promise.allSettled(consumers.map((c) => c.disconnect()));
      await producer.disconnect().catch(() => undefined);
    },
  };
}
