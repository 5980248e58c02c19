// Apache Kafka (KRaft, one node acting as broker and controller) run on the machine's JDK from the jars scripts/install-deps.sh fetched, and the contract's topics on it.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { StartupError, errText } from './errors';
import { freePort } from './ports';
import { runToCompletion, startProcess, waitUntil, type ManagedProcess } from './process';

export const DEFAULT_KAFKA_JARS = resolve(__dirname, '..', '..', '.cache', 'kafka', 'jars');

export interface KafkaOptions {
  /** the run's temp dir; Kafka gets <dir>/kafka */
  dir: string;
  /** the broker's jars; defaults to $FLOWGATE_KAFKA_JARS or .cache/kafka/jars */
  jarsDir?: string;
  port?: number;
  controllerPort?: number;
  java?: string;
  timeoutMs?: number;
  log?: (m: string) => void;
  /** SASL_SSL with SCRAM-SHA-512 (the default of the stack); absent: today's PLAINTEXT listener (npm run stack -- --plaintext) */
  security?: KafkaSecurity;
}

export interface KafkaSecurity {
  /** PEM files of the broker's key and certificate, and the CA clients verify it with */
  keyFile: string;
  certFile: string;
  caFile: string;
  /** SCRAM users created when the storage is formatted: username → password; `admin` is the broker's own */
  users: Record<string, string>;
  /** the fault kafka-plaintext-listener: a PLAINTEXT listener left open and advertised beside SASL_SSL */
  plaintextListener?: boolean;
}

/** What a client needs to reach the broker the way the stack serves it; a kafkajs config fragment. */
export interface KafkaClientSecurity {
  ssl?: { ca: string[]; rejectUnauthorized: true };
  sasl?: { mechanism: 'scram-sha-512'; username: string; password: string };
}

export const KAFKA_ADMIN_USER = 'admin';

export interface KafkaInstance {
  brokers: string[];
  port: number;
  /** the PLAINTEXT listener's port when the kafka-plaintext-listener fault opened one */
  plaintextPort?: number;
  /** a client's ssl/sasl options for a SCRAM user (empty in plaintext mode) */
  clientSecurity(user?: string): KafkaClientSecurity;
  controllerPort: number;
  pid: number;
  logFile: string;
  process: ManagedProcess;
  /** creates the topics (1 partition, replication 1) and waits until the broker lists every one */
  createTopics(topics: string[], timeoutMs?: number): Promise<void>;
  listTopics(): Promise<string[]>;
  stop(): Promise<void>;
}

// Why these settings: one node, nothing replicated, groups join at once (tests start many consumers),
// and topics exist only because the contract says so.
export function renderServerProperties(o: { port: number; controllerPort: number; logDir: string; security?: KafkaSecurity & { plaintextPort?: number; keystoreFile: string; adminPassword: string } }): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${o.controllerPort}`,
    ...(o.security ? securedListeners({ ...o, security: o.security }) : plaintextListeners(o)),
    'controller.listener.names=CONTROLLER',
    `log.dirs=${o.logDir}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'num.network.threads=2',
    'num.io.threads=2',
    'log.flush.interval.messages=9223372036854775807',
    '',
  ].join('\n');
}

function plaintextListeners(o: { port: number; controllerPort: number }): string[] {
  return [
    `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
  ];
}

// Clients and the broker itself speak SASL_SSL/SCRAM-SHA-512; the controller listener is TLS too (KRaft controllers
// take no SCRAM), so nothing on the node answers Kafka in plaintext unless the fault opens a PLAINTEXT listener.
function securedListeners(o: { port: number; controllerPort: number; security: KafkaSecurity & { plaintextPort?: number; keystoreFile: string; adminPassword: string } }): string[] {
  const s = o.security;
  const plain = s.plaintextListener && s.plaintextPort ? `,PLAINTEXT://127.0.0.1:${s.plaintextPort}` : '';
  return [
    `listeners=SASL_SSL://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}${plain}`,
    `advertised.listeners=SASL_SSL://127.0.0.1:${o.port}${plain}`,
    'listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL,PLAINTEXT:PLAINTEXT',
    'inter.broker.listener.name=SASL_SSL',
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${KAFKA_ADMIN_USER}" password="${s.adminPassword}";`,
    'ssl.keystore.type=PEM',
    `ssl.keystore.location=${s.keystoreFile}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${s.caFile}`,
    'ssl.client.auth=none',
  ];
}

/** The storage tool's --add-scram arguments: one SCRAM-SHA-512 credential per user; pure, so unit-tested. */
export function scramArgs(users: Record<string, string>): string[] {
  return Object.entries(users).flatMap(([name, password]) => {
    if (!/^[A-Za-z0-9._-]+$/.test(name) || !/^[A-Za-z0-9._-]+$/.test(password)) throw new Error(`SCRAM user ${name}: names and passwords must be [A-Za-z0-9._-] (they go into the storage tool's arguments)`);
    return ['--add-scram', `SCRAM-SHA-512=[name=${name},password=${password}]`];
  });
}

// WARN and above, plus the one INFO line that says the server is up.
export function renderLog4j(): string {
  return [
    'log4j.rootLogger=WARN, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka.server.KafkaRaftServer=INFO',
    '',
  ].join('\n');
}

// Small heap, serial GC and C1 only: a single-node test broker starts in ~2 s this way on 2 cores; TLS seeds from
// /dev/urandom so the SSL listeners never wait on entropy.
export const KAFKA_JVM_OPTS = ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true', '-Djava.security.egd=file:/dev/urandom'];

/** A random cluster id in Kafka's format: 16 bytes, URL-safe base64 without padding. */
export function kafkaClusterId(random: () => Buffer = () => randomBytes(16)): string {
  // Like Kafka's Uuid.randomUuid(): an id starting with '-' would be read by the storage tool as an option.
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function resolveKafkaJars(jarsDir?: string): string {
  return resolve(jarsDir ?? process.env.FLOWGATE_KAFKA_JARS ?? DEFAULT_KAFKA_JARS);
}

function checkJars(jarsDir: string): string | undefined {
  if (!existsSync(jarsDir)) return `the Kafka jars directory ${jarsDir} does not exist`;
  const jars = readdirSync(jarsDir).filter((f) => f.endsWith('.jar'));
  if (!jars.some((f) => /^kafka_2\.13-.*\.jar$/.test(f))) return `no kafka_2.13-*.jar in ${jarsDir} (${jars.length} jars there)`;
  return undefined;
}

function adminClient(brokers: string[], security: KafkaClientSecurity): Admin {
  // kafkajs' own retries would hide the deadline; readiness polling does the retrying
  return new Kafka({ clientId: 'flowgate-stack-admin', brokers, ...security, logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 5000, retry: { retries: 0 } }).admin();
}

export async function startKafka(opts: KafkaOptions): Promise<KafkaInstance> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const jarsDir = resolveKafkaJars(opts.jarsDir);
  const home = join(opts.dir, 'kafka');
  const dataDir = join(home, 'data');
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(home, 'kafka.log');
  writeFileSync(logFile, '');

  const missing = checkJars(jarsDir);
  if (missing) {
    throw new StartupError({
      component: 'kafka',
      reason: `${missing}; run \`npm ci\` (or \`bash scripts/install-deps.sh\`) to fetch the broker's jars from Maven Central, or point FLOWGATE_KAFKA_JARS at them`,
      elapsedMs: Date.now() - t0,
    });
  }

  const port = opts.port ?? (await freePort());
  const controllerPort = opts.controllerPort ?? (await freePort());
  const sec = opts.security;
  const plaintextPort = sec?.plaintextListener ? await freePort() : undefined;
  const adminPassword = sec ? (sec.users[KAFKA_ADMIN_USER] ?? randomBytes(18).toString('hex')) : '';
  const users = sec ? { ...sec.users, [KAFKA_ADMIN_USER]: adminPassword } : {};
  let keystoreFile = '';
  if (sec) {
    // Kafka's PEM key store is one file: the (unencrypted PKCS#8) key, then the certificate
    keystoreFile = join(home, 'keystore.pem');
    writeFileSync(keystoreFile, readFileSync(sec.keyFile, 'utf8') + readFileSync(sec.certFile, 'utf8'), { mode: 0o600 });
  }
  const clientSecurity = (user = KAFKA_ADMIN_USER): KafkaClientSecurity =>
    sec ? { ssl: { ca: [readFileSync(sec.caFile, 'utf8')], rejectUnauthorized: true }, sasl: { mechanism: 'scram-sha-512', username: user, password: users[user] ?? '' } } : {};
  const propsFile = join(home, 'server.properties');
  const log4jFile = join(home, 'log4j.properties');
  // mode 0600: the admin's SCRAM password is in the JAAS line
  writeFileSync(propsFile, renderServerProperties({ port, controllerPort, logDir: dataDir, ...(sec ? { security: { ...sec, plaintextPort, keystoreFile, adminPassword } } : {}) }), { mode: 0o600 });
  writeFileSync(log4jFile, renderLog4j());

  const java = opts.java ?? process.env.JAVA ?? (process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java');
  const jvm = [...KAFKA_JVM_OPTS, `-Dlog4j.configuration=file:${log4jFile}`, `-Dkafka.logs.dir=${home}`, '-cp', join(jarsDir, '*')];

  await runToCompletion(
    { component: 'kafka', what: 'formatting KRaft storage with its SCRAM users (kafka.tools.StorageTool format)', command: java, args: [...jvm, 'kafka.tools.StorageTool', 'format', '-t', kafkaClusterId(), '-c', propsFile, ...scramArgs(users)], logFile, cwd: home, timeoutMs: Math.min(timeoutMs, 30_000) },
    t0,
  );
  log(`kafka: storage formatted in ${Date.now() - t0} ms`);

  const proc = startProcess({ component: 'kafka', command: java, args: [...jvm, 'kafka.Kafka', propsFile], logFile, cwd: home, stopSignal: 'SIGTERM', stopGraceMs: 8_000 });
  const brokers = [`127.0.0.1:${port}`];
  try {
    await waitUntil({
      what: `the broker to answer describeCluster on ${brokers[0]}`,
      component: 'kafka',
      timeoutMs,
      process: proc,
      startedAt: t0,
      check: async () => {
        const admin = adminClient(brokers, clientSecurity());
        try {
          await admin.connect();
          const c = await admin.describeCluster();
          return c.brokers.length > 0 && c.controller !== null ? c : undefined;
        } finally {
          await admin.disconnect().catch(() => {});
        }
      },
    });
  } catch (e) {
    await proc.stop();
    throw e;
  }
  log(`kafka: broker ready on ${brokers[0]} in ${Date.now() - t0} ms`);

  const listTopics = async () => {
    const admin = adminClient(brokers, clientSecurity());
    try {
      await admin.connect();
      return await admin.listTopics();
    } finally {
      await admin.disconnect().catch(() => {});
    }
  };

  return {
    brokers,
    port,
    ...(plaintextPort ? { plaintextPort } : {}),
    clientSecurity,
    controllerPort,
    pid: proc.pid,
    logFile,
    process: proc,
    listTopics,
    async createTopics(topics: string[], topicTimeoutMs = 30_000) {
      const t1 = Date.now();
      const wanted = [...new Set(topics)];
      const admin = adminClient(brokers, clientSecurity());
      try {
        await admin.connect();
        await admin.createTopics({ topics: wanted.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true, timeout: topicTimeoutMs });
      } catch (e) {
        throw new StartupError({ component: 'kafka', reason: `creating ${wanted.length} topics failed: ${errText(e)}`, elapsedMs: Date.now() - t1, logFile });
      } finally {
        await admin.disconnect().catch(() => {});
      }
      let missingTopics: string[] = wanted;
      await waitUntil({
        what: `the broker to list every contract topic (missing: ${wanted.length} at first)`,
        component: 'kafka',
        timeoutMs: topicTimeoutMs,
        process: proc,
        startedAt: t1,
        check: async () => {
          const have = new Set(await listTopics());
          missingTopics = wanted.filter((t) => !have.has(t));
          if (missingTopics.length) throw new Error(`still missing ${missingTopics.join(', ')}`);
          return true;
        },
      });
      log(`kafka: ${wanted.length} topics created in ${Date.now() - t1} ms`);
    },
    stop: () => proc.stop(),
  };
}
