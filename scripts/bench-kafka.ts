// npm run bench:kafka: the Kafka client's start-up (connect, join, positioned at the end) and observation lag (append → seen) on an embedded SASL_SSL broker.
//
// The broker is the stack's own (KRaft, SASL/SCRAM-SHA-512 over TLS with the run's CA). One producer writes the
// records; each reader starts as the observer does and counts how long each record took from the producer's send to
// the reader's callback. kafkajs, when installed (`npm i --no-save kafkajs`), is measured beside the client flowgate
// uses, as the yardstick. Usage: npm run bench:kafka [-- --messages 200 --starts 5 --json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRunCertificates } from '../stack/infra/tls';
import { startKafka } from '../stack/infra/kafka';
import { createProducer, startReader, type KafkaConnection } from '../stack/services/common/kafka-client';
import { percentile } from '../helpers/render/bench';
import { version } from '../reporters/release-extras';

const TOPIC = 'flowgate.bench.lag';
const WAIT_MS = 10_000;

interface Started {
  close(): Promise<void>;
}
type Starter = (conn: KafkaConnection, group: string, onValue: (v: string) => void) => Promise<Started>;

const platformatic: Starter = (conn, group, onValue) =>
  startReader(conn, { clientId: 'bench', groupId: group, topics: [TOPIC], from: 'end', onRecord: (r) => onValue(r.value?.toString() ?? ''), onError: () => undefined });

/** kafkajs as the observer used it: admin, consumer, subscribe, run, join, then a seek to each partition's end. */
function kafkajsStarter(): Starter | undefined {
  let k: any;
  try {
    k = require('kafkajs');
  } catch {
    return undefined;
  }
  return async (conn, group, onValue) => {
    const kafka = new k.Kafka({ clientId: 'bench', brokers: conn.brokers, ssl: conn.ssl, sasl: conn.sasl, logLevel: k.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100 });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC], fromBeginning: false });
    await consumer.run({ autoCommit: false, eachMessage: async ({ message }: any) => onValue(message.value?.toString() ?? '') });
    await joined;
    for (const p of await admin.fetchTopicOffsets(TOPIC)) consumer.seek({ topic: TOPIC, partition: p.partition, offset: p.high });
    return { close: async () => (await consumer.disconnect(), await admin.disconnect()) };
  };
}


/** Start-up: the reader started `starts` times, each in a fresh group; ms from the call to positioned. */
async function startUp(start: Starter, conn: KafkaConnection, name: string, starts: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < starts; i++) {
    const t0 = performance.now();
    const r = await start(conn, `flowgate-bench-${name}-${Date.now()}-${i}`, () => undefined);
    out.push(performance.now() - t0);
    await r.close();
  }
  return out;
}

/** Lag: `n` records sent one after another; each one's send → seen in ms, waited for (bounded) before the next. */
async function lag(start: Starter, conn: KafkaConnection, name: string, n: number, producer: ReturnType<typeof createProducer>): Promise<number[]> {
  const seen = new Map<string, number>();
  let wake: (() => void) | undefined;
  const r = await start(conn, `flowgate-bench-${name}-lag-${Date.now()}`, (v) => {
    seen.set(v, performance.now());
    wake?.();
  });
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const id = `${name}-${i}`;
      const t0 = performance.now();
      await producer.send(TOPIC, id);
      const deadline = Date.now() + WAIT_MS;
      while (!seen.has(id)) {
        if (Date.now() > deadline) throw new Error(`${name}: record ${i} not seen within ${WAIT_MS} ms`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      out.push(seen.get(id)! - t0);
    }
  } finally {
    await r.close();
  }
  return out;
}

function args(argv: string[]) {
  const num = (flag: string, d: number) => {
    const i = argv.indexOf(flag);
    const v = i >= 0 ? Number(argv[i + 1]) : d;
    if (!Number.isInteger(v) || v < 1 || v > 10_000) throw new Error(`${flag} takes a whole number from 1 to 10000, got ${argv[i + 1]}`);
    return v;
  };
  return { messages: num('--messages', 200), starts: num('--starts', 5), json: argv.includes('--json') };
}

async function main() {
  const o = args(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-bench-kafka-'));
  const certs = await generateRunCertificates(dir);
  const kafka = await startKafka({ dir, security: { keyFile: certs.server.kafka.keyFile, certFile: certs.server.kafka.certFile, caFile: certs.caFile, users: { bench: 'bench-password-not-secret' } } });
  const rows: Record<string, unknown>[] = [];
  try {
    await kafka.createTopics([TOPIC]);
    const conn: KafkaConnection = { brokers: kafka.brokers, ...kafka.clientSecurity('bench') };
    const producer = createProducer(conn, 'bench-producer');
    const readers: [string, Starter | undefined][] = [
      ['@platformatic/kafka', platformatic],
      ['kafkajs', kafkajsStarter()],
    ];
    const present = readers.filter((r): r is [string, Starter] => {
      if (!r[1]) console.error(`bench:kafka: ${r[0]} is not installed (npm i --no-save ${r[0]}); not measured`);
      return !!r[1];
    });
    // Interleaved (one start, then a fifth of the records, client after client), so a drift of the machine's speed
    // falls on every client alike.
    const up = new Map<string, number[]>(present.map(([n]) => [n, []]));
    const lags = new Map<string, number[]>(present.map(([n]) => [n, []]));
    const ROUNDS = 5;
    for (let round = 0; round < Math.max(o.starts, ROUNDS); round++)
      for (const [name, start] of present) {
        const tag = name.replace(/\W/g, '');
        if (round < o.starts) up.get(name)!.push(...(await startUp(start, conn, tag, 1)));
        if (round < ROUNDS) lags.get(name)!.push(...(await lag(start, conn, tag, Math.ceil(o.messages / ROUNDS), producer)));
      }
    for (const [name] of present) {
      const u = up.get(name)!;
      const l = lags.get(name)!;
      rows.push({ client: name, version: version(name), startP50: percentile(u, 50), startMax: Math.max(...u), lagP50: percentile(l, 50), lagP95: percentile(l, 95), lagMax: Math.max(...l), n: l.length });
    }
    await producer.close();
  } finally {
    await kafka.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const f = (x: unknown) => (typeof x === 'number' ? x.toFixed(1) : String(x));
  if (o.json) console.log(JSON.stringify({ node: process.version, transport: 'SASL_SSL SCRAM-SHA-512', rows }));
  else {
    console.log(`Kafka client on ${process.version}, SASL/SCRAM-SHA-512 over TLS, ${o.starts} starts, ${o.messages} records (ms)`);
    console.log('client                      start p50  start max  lag p50  lag p95  lag max');
    for (const r of rows) console.log(`${`${r.client}@${r.version}`.padEnd(28)}${f(r.startP50).padStart(9)}${f(r.startMax).padStart(11)}${f(r.lagP50).padStart(9)}${f(r.lagP95).padStart(9)}${f(r.lagMax).padStart(9)}`);
  }
}

main().catch((e) => {
  console.error(`bench:kafka: ${e?.stack ?? e}`);
  process.exit(1);
});
