// The services' Kafka client: produces frozen-contract events with the schema-version header and consumes in the service's own group.
import type { Contracts } from '../../../contracts';
import type { ConsumedEvent, EventBus, ProduceOptions } from '../../types';
import { createAdmin, createProducer, startReader, type KafkaConnection, type KafkaRecord, type Reader } from './kafka-client';

export interface BusOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  contracts: Contracts;
  log: (m: string) => void;
  /** TLS (with the CA to verify the broker by) as the broker demands; absent for a plaintext broker */
  ssl?: { ca: string[]; rejectUnauthorized: true } | boolean;
  sasl?: { mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain'; username: string; password: string };
  /** how long consume() waits for the group to be joined and positioned (default 30 s) */
  joinTimeoutMs?: number;
}

// a fresh broker answers "coordinator not available/loading" while __consumer_offsets is created: retried, not failed
const TIMEOUTS = { connectTimeoutMs: 5_000, requestTimeoutMs: 10_000, retries: 8 };

/** A consumed record as a service's handler takes it: the value parsed as JSON when it is JSON (junk never stops the consumer). */
export function consumedEvent(r: KafkaRecord): ConsumedEvent {
  const raw = r.value ? r.value.toString('utf8') : '';
  let value: any;
  try {
    value = raw ? JSON.parse(raw) : undefined;
  } catch {
    value = undefined;
  }
  return { topic: r.topic, key: r.key ? r.key.toString('utf8') : null, headers: r.headers, value, raw };
}

/** Rejects when `p` has not settled within `ms`, saying what was awaited. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} not ready after ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export async function createBus(opts: BusOptions): Promise<EventBus & { close(): Promise<void> }> {
  const conn: KafkaConnection = { brokers: opts.brokers, ...(opts.ssl ? { ssl: opts.ssl } : {}), ...(opts.sasl ? { sasl: opts.sasl } : {}) };
  const producer = createProducer(conn, opts.clientId, TIMEOUTS);
  const readers: Reader[] = [];
  const versionHeader = opts.contracts.schemaVersionHeader;
  const version = opts.contracts.schemaVersion;
  const withAdmin = async <T>(f: (a: ReturnType<typeof createAdmin>) => Promise<T>): Promise<T> => {
    const admin = createAdmin(conn, `${opts.clientId}-admin`, TIMEOUTS);
    try {
      return await f(admin);
    } finally {
      await admin.close().catch(() => undefined);
    }
  };

  return {
    async produce(topic: string, payload: unknown, po: ProduceOptions = {}) {
      const headers: Record<string, string> = { ...(po.headers ?? {}) };
      if (po.omitSchemaVersion) delete headers[versionHeader];
      else headers[versionHeader] = version;
      await producer.send(topic, JSON.stringify(payload), { key: po.key ?? null, headers });
    },

    async createTopic(topic: string) {
      await withAdmin(async (a) => {
        if (!(await a.listTopics()).includes(topic)) await a.createTopics([topic], 1);
      });
    },

    async consume(topics, handler) {
      // A second consume() on the same bus gets its own group, so two subscriptions never share one group's assignment.
      const groupId = readers.length === 0 ? opts.groupId : `${opts.groupId}.${readers.length}`;
      // a pattern covers the topics that exist when the service subscribes (the stack creates every contract topic first)
      const patterns = topics.filter((t): t is RegExp => t instanceof RegExp);
      const existing = patterns.length ? await withAdmin((a) => a.listTopics()) : [];
      const names = [...new Set([...topics.filter((t): t is string => typeof t === 'string'), ...existing.filter((n) => patterns.some((re) => re.test(n)))])];
      const timeoutMs = opts.joinTimeoutMs ?? 30_000;
      // Ready once the group is joined and every partition positioned (where the group committed, else the end):
      // a message produced after consume() resolves is always seen, and a restarted service resumes after its last one.
      const reader = await within(
        startReader(conn, {
          clientId: opts.clientId,
          groupId,
          topics: names,
          from: 'committed',
          commit: true,
          maxWaitMs: 250,
          ...TIMEOUTS,
          async onRecord(r) {
            try {
              await handler(consumedEvent(r));
            } catch (e: any) {
              // skipped, not retried: a poison message must not turn into a crash loop
              opts.log(`${opts.clientId}: handler failed on ${r.topic}@${r.offset}, message skipped: ${e?.stack ?? e}`);
            }
          },
          onError: (e) => opts.log(`${opts.clientId}: consumer of ${groupId} stopped: ${e.message}`),
        }),
        timeoutMs,
        `${opts.clientId}: consumer group ${groupId} (topics ${names.join(', ')})`,
      );
      readers.push(reader);
    },

    async close() {
      await Promise.allSettled(readers.map((r) => r.close()));
      await producer.close().catch(() => undefined);
    },
  };
}
