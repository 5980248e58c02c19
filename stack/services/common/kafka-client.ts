// The one module that names the Kafka client library (@platformatic/kafka): connection settings to its options, a producer, and a reader positioned at each topic's end.
import { Consumer, Producer, ProduceAcks, type BaseOptions, type Message } from '@platformatic/kafka';

/** How a client reaches a broker: the shape the harness's configuration and the stack's clientSecurity() give. */
export interface KafkaConnection {
  brokers: string[];
  /** TLS: true (system CAs) or the CA to verify the broker with */
  ssl?: boolean | { ca?: string[]; rejectUnauthorized?: boolean };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

export interface ClientTimeouts {
  /** TCP + TLS + SASL handshake budget of one connection (default 5 s) */
  connectTimeoutMs?: number;
  /** one request's budget (default 10 s) */
  requestTimeoutMs?: number;
  /** retries of a failed request (default 3): a caller with a deadline of its own keeps it low */
  retries?: number;
}

const MECHANISMS = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' } as const;

/** The client options for a connection: bootstrap brokers, TLS with the CA, SASL with the upper-case mechanism name. */
export function clientOptions(c: KafkaConnection, clientId: string, t: ClientTimeouts = {}): BaseOptions {
  const tls = c.ssl ? (c.ssl === true ? {} : { ...(c.ssl.ca ? { ca: c.ssl.ca } : {}), rejectUnauthorized: c.ssl.rejectUnauthorized ?? true }) : undefined;
  return {
    clientId,
    bootstrapBrokers: [...c.brokers],
    ...(tls ? { tls } : {}),
    ...(c.sasl ? { sasl: { mechanism: MECHANISMS[c.sasl.mechanism], username: c.sasl.username, password: c.sasl.password } } : {}),
    connectTimeout: t.connectTimeoutMs ?? 5_000,
    requestTimeout: t.requestTimeoutMs ?? 10_000,
    retries: t.retries ?? 3,
  };
}

/** A record's headers as strings (a repeated header: the last value counts, as the contract wants one value). */
export function headerStrings(headers: Map<Buffer, Buffer> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of headers ?? []) out[k.toString('utf8')] = v.toString('utf8');
  return out;
}

/** One record as a reader hands it on: bytes untouched, the offset and broker timestamp as numbers a JSON can hold. */
export interface KafkaRecord {
  topic: string;
  partition: number;
  offset: bigint;
  /** the record's timestamp as the broker holds it (create or log-append time), ms epoch */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

const toRecord = (m: Message<Buffer, Buffer, Buffer, Buffer>): KafkaRecord => ({
  topic: m.topic,
  partition: m.partition,
  offset: m.offset,
  timestamp: Number(m.timestamp),
  key: m.key?.length ? m.key : null,
  value: m.value ?? null,
  headers: headerStrings(m.headers),
});

export function createProducer(c: KafkaConnection, clientId: string, t: ClientTimeouts = {}): { send(topic: string, value: string, o?: { key?: string | null; headers?: Record<string, string> }): Promise<void>; close(): Promise<void> } {
  const producer = new Producer({ ...clientOptions(c, clientId, t), autocreateTopics: false });
  return {
    async send(topic, value, o = {}) {
      const headers = Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
      await producer.send({ messages: [{ topic, value: Buffer.from(value), ...(o.key != null ? { key: Buffer.from(o.key) } : {}), headers }], acks: ProduceAcks.ALL });
    },
    close: () => producer.close(),
  };
}

export interface ReaderOptions extends ClientTimeouts {
  clientId: string;
  /** a group of the reader's own: it never commits, so no group anyone else uses is touched */
  groupId: string;
  topics: string[];
  /** where to start: each topic's current end (the steps that follow are seen, nothing older), or its beginning */
  from: 'end' | 'beginning';
  /** longest a fetch waits on the broker for a new record: bounds the lag where the broker holds a fetch open */
  maxWaitMs?: number;
  onRecord(r: KafkaRecord): void;
  onError(e: Error): void;
}

export interface Reader {
  /** the offset each partition was positioned at when the reader started, per "topic:partition" */
  startOffsets: Map<string, bigint>;
  close(): Promise<void>;
}

/**
 * A reader that is positioned before it resolves: each topic's partitions are asked for their end (or take offset 0)
 * and the stream starts exactly there (manual offsets), after the group is joined; it never commits.
 */
export async function startReader(c: KafkaConnection, o: ReaderOptions): Promise<Reader> {
  const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
    ...clientOptions(c, o.clientId, o),
    groupId: o.groupId,
    autocommit: false,
    autocreateTopics: false,
    maxWaitTime: o.maxWaitMs ?? 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  });
  try {
    const ends = await consumer.listOffsets({ topics: o.topics });
    const startOffsets = new Map<string, bigint>();
    const offsets = [...ends].flatMap(([topic, parts]) => parts.map((end, partition) => ({ topic, partition, offset: o.from === 'end' ? end : 0n })));
    for (const p of offsets) startOffsets.set(`${p.topic}:${p.partition}`, p.offset);
    const stream = await consumer.consume({ topics: o.topics, mode: 'manual', offsets, autocommit: false });
    stream.on('data', (m: Message<Buffer, Buffer, Buffer, Buffer>) => o.onRecord(toRecord(m)));
    stream.on('error', (e: Error) => o.onError(e));
    return {
      startOffsets,
      async close() {
        await stream.close().catch(() => undefined);
        await consumer.close(true);
      },
    };
  } catch (e) {
    await consumer.close(true).catch(() => undefined);
    throw e;
  }
}
