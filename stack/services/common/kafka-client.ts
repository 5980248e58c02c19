// The one module that names the Kafka client library (@platformatic/kafka): connection settings to its options, a producer, and a reader positioned at each topic's end.
import type { BaseOptions, Consumer, Message } from '@platformatic/kafka';
import { withDeferredCompiles } from './deferred-ajv';

type Library = typeof import('@platformatic/kafka');
let library: Library | undefined;
/**
 * The library when the first client is made, not when this module is: the Playwright runner loads every spec file (and
 * so this module) to list the tests and never makes a client (~0.45 CPU-s). Its option schemas compile when first used,
 * not all 38 at import (deferred-ajv.ts says what that saves).
 */
const kafka = (): Library => (library ??= withDeferredCompiles(() => require('@platformatic/kafka') as Library));

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

export function createProducer(c: KafkaConnection, clientId: string, t: ClientTimeouts = {}): { send(topic: string, value: string | null, o?: { key?: string | null; headers?: Record<string, string> }): Promise<void>; close(): Promise<void> } {
  const producer = new (kafka().Producer)({ ...clientOptions(c, clientId, t), autocreateTopics: false });
  return {
    async send(topic, value, o = {}) {
      // keys and values as bytes: the client's default serializers take Buffers only
      const headers = new Map(Object.entries(o.headers ?? {}).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]));
      await producer.send({ messages: [{ topic, ...(value !== null ? { value: Buffer.from(value) } : {}), ...(o.key != null ? { key: Buffer.from(o.key) } : {}), headers }], acks: kafka().ProduceAcks.ALL });
    },
    close: () => producer.close(),
  };
}

export interface ReaderOptions extends ClientTimeouts {
  clientId: string;
  /** a group of the reader's own: it never commits, so no group anyone else uses is touched */
  groupId: string;
  topics: string[];
  /**
   * where to start: each topic's current end (the steps that follow are seen, nothing older), its beginning, or where
   * the group committed last (its end when the group never committed: a service resumes after a restart)
   */
  from: 'end' | 'beginning' | 'committed';
  /** commit each record's offset once onRecord has finished with it (a service's group; never the observer's) */
  commit?: boolean;
  /** longest a fetch waits on the broker for a new record: bounds the lag where the broker holds a fetch open */
  maxWaitMs?: number;
  /** called one record at a time, in order: the next waits until the promise it returns settles */
  onRecord(r: KafkaRecord): void | Promise<void>;
  onError(e: Error): void;
}

type AnyConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;

/** Each partition's first offset to read: its end, 0, or the group's committed offset (the end when there is none). */
async function positions(consumer: AnyConsumer, topics: string[], from: ReaderOptions['from']): Promise<{ topic: string; partition: number; offset: bigint }[]> {
  const ends = await consumer.listOffsets({ topics });
  const committed = from === 'committed' ? await consumer.listCommittedOffsets({ topics: [...ends].map(([topic, parts]) => ({ topic, partitions: parts.map((_, i) => i) })) }) : undefined;
  return [...ends].flatMap(([topic, parts]) =>
    parts.map((end, partition) => {
      const c = committed?.get(topic)?.[partition];
      return { topic, partition, offset: from === 'beginning' ? 0n : c !== undefined && c >= 0n ? c : end };
    }),
  );
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
  const consumer = new (kafka().Consumer)<Buffer, Buffer, Buffer, Buffer>({
    ...clientOptions(c, o.clientId, o),
    groupId: o.groupId,
    autocommit: false,
    autocreateTopics: false,
    maxWaitTime: o.maxWaitMs ?? 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  });
  // no topic to read yet: nothing to join (a group with no subscription would only wait for one)
  if (!o.topics.length) return { startOffsets: new Map(), close: () => consumer.close(true) };
  try {
    const offsets = await positions(consumer, o.topics, o.from);
    const startOffsets = new Map(offsets.map((p) => [`${p.topic}:${p.partition}`, p.offset]));
    const stream = await consumer.consume({ topics: o.topics, mode: 'manual', offsets, autocommit: false });
    // One record at a time, in order, as the partition holds them; the loop ends when the stream is closed.
    void (async () => {
      try {
        for await (const m of stream as AsyncIterable<Message<Buffer, Buffer, Buffer, Buffer>>) {
          await o.onRecord(toRecord(m));
          if (o.commit) await m.commit();
        }
      } catch (e) {
        o.onError(e instanceof Error ? e : new Error(String(e)));
      }
    })();
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

/** A partition's range: the first offset still held and the next offset to be written (the end). */
export interface PartitionRange {
  partition: number;
  low: bigint;
  high: bigint;
}

export interface KafkaAdmin {
  /** topic names, internal ones left out */
  listTopics(): Promise<string[]>;
  /** each topic's partitions with their low and high offsets */
  offsets(topics: string[]): Promise<Map<string, PartitionRange[]>>;
  /** how many brokers the cluster's metadata names (a request that needs a live, authenticated connection) */
  brokerCount(): Promise<number>;
  /** the brokers of the cluster's metadata (fresh, not cached) and the controller's node id (-1 when none) */
  cluster(): Promise<{ brokers: ClusterBroker[]; controllerId: number }>;
  /** the named configuration entries of each broker (by node id): names the broker does not report are left out */
  brokerConfigs(nodeIds: number[], names: string[]): Promise<{ nodeId: string; entries: { name: string; value: string }[] }[]>;
  createTopics(topics: string[], partitions?: number): Promise<void>;
  deleteTopics(topics: string[]): Promise<void>;
  /** the consumer groups the cluster knows */
  listGroups(): Promise<string[]>;
  /** a group's committed offsets, per topic and partition (-1: nothing committed there) */
  committedOffsets(groupId: string): Promise<{ topic: string; partition: number; offset: bigint }[]>;
  deleteGroups(groups: string[]): Promise<void>;
  close(): Promise<void>;
}

export interface ClusterBroker {
  nodeId: number;
  host: string;
  port: number;
}

export function createAdmin(c: KafkaConnection, clientId: string, t: ClientTimeouts = {}): KafkaAdmin {
  const admin = new (kafka().Admin)(clientOptions(c, clientId, t));
  const listAt = async (topics: string[], partitions: Map<string, number>, timestamp: bigint) =>
    admin.listOffsets({ topics: topics.map((name) => ({ name, partitions: Array.from({ length: partitions.get(name) ?? 0 }, (_, partitionIndex) => ({ partitionIndex, timestamp })) })) });
  return {
    listTopics: () => admin.listTopics(),
    async offsets(topics) {
      const out = new Map<string, PartitionRange[]>();
      if (!topics.length) return out;
      const meta = await admin.metadata({ topics });
      const counts = new Map(topics.map((name) => [name, meta.topics.get(name)?.partitionsCount ?? 0]));
      const [lows, highs] = await Promise.all([listAt(topics, counts, kafka().ListOffsetTimestamps.EARLIEST), listAt(topics, counts, kafka().ListOffsetTimestamps.LATEST)]);
      for (const t of highs) {
        const low = new Map(lows.find((l) => l.name === t.name)?.partitions.map((p) => [p.partitionIndex, p.offset]) ?? []);
        out.set(t.name, t.partitions.map((p) => ({ partition: p.partitionIndex, low: low.get(p.partitionIndex) ?? 0n, high: p.offset })).sort((a, b) => a.partition - b.partition));
      }
      return out;
    },
    async brokerCount() {
      return (await admin.metadata({ topics: [], forceUpdate: true })).brokers.size;
    },
    async cluster() {
      const m = await admin.metadata({ topics: [], forceUpdate: true });
      return { brokers: [...m.brokers].map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port })), controllerId: m.controllerId };
    },
    async brokerConfigs(nodeIds, names) {
      const conf = await admin.describeConfigs({ includeSynonyms: false, resources: nodeIds.map((id) => ({ resourceType: kafka().ConfigResourceTypes.BROKER, resourceName: String(id), configurationKeys: names })) });
      return conf.map((r) => ({ nodeId: r.resourceName, entries: r.configs.filter((e) => e.value != null).map((e) => ({ name: e.name, value: String(e.value) })) }));
    },
    async createTopics(topics, partitions = 1) {
      await admin.createTopics({ topics, partitions, replicas: 1 });
    },
    deleteTopics: (topics) => admin.deleteTopics({ topics }),
    async listGroups() {
      return [...(await admin.listGroups()).keys()];
    },
    async committedOffsets(groupId) {
      const [g] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
      return (g?.topics ?? []).flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset })));
    },
    deleteGroups: (groups) => admin.deleteGroups({ groups }),
    close: () => admin.close(),
  };
}
