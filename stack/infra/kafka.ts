// Apache Kafka (KRaft, one node acting as broker and controller) run on the machine's JDK from the jars scripts/install-deps.sh fetched, and the contract's topics on it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StartupError, errText } from './errors';
import { freePort } from './ports';
import { jarsProblem, kafkaJarsVersion, renderLogConfig, resolveKafkaJars } from './kafka-release';
import { runToCompletion, startProcess, waitUntil, type ManagedProcess } from './process';
import { createAdmin, type KafkaAdmin } from '../services/common/kafka-client';

export interface KafkaOptions {
  /** the run's temp dir; Kafka gets <dir>/kafka */
  dir: string;
  /** the broker's jars; defaults to $FLOWGATE_KAFKA_JARS, else the release STACK_KAFKA_VERSION picks (kafka-release.ts) */
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

/** What a client needs to reach the broker the way the stack serves it; the TLS and SASL part of a client's connection. */
export interface KafkaClientSecurity {
  ssl?: { ca: string[]; rejectUnauthorized: true };
  sasl?: { mechanism: 'scram-sha-512'; username: string; password: string };
}

export const KAFKA_ADMIN_USER = 'admin';

export interface KafkaInstance {
  brokers: string[];
  /** the broker's Kafka version (from its jars), e.g. 4.1.1 */
  version: string;
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

function adminClient(brokers: string[], security: KafkaClientSecurity, requestTimeoutMs = 5000): KafkaAdmin {
  // the client's own retries would hide the deadline; readiness polling does the retrying
  return createAdmin({ brokers, ...security }, 'flowgate-stack-admin', { connectTimeoutMs: 3000, requestTimeoutMs, retries: 0 });
}

/** The broker's files under <dir>/kafka: server.properties (mode 0600: the admin's SCRAM password), the PEM key store, the log config. */
interface KafkaFiles {
  home: string;
  propsFile: string;
  logFile: string;
  jvm: string[];
  version: string;
}

interface KafkaPlan {
  port: number;
  controllerPort: number;
  plaintextPort?: number;
  /** SCRAM users including the broker's own admin */
  users: Record<string, string>;
  adminPassword: string;
}

async function planKafka(opts: KafkaOptions): Promise<KafkaPlan> {
  const sec = opts.security;
  const port = opts.port ?? (await freePort());
  const controllerPort = opts.controllerPort ?? (await freePort());
  const plaintextPort = sec?.plaintextListener ? await freePort() : undefined;
  const adminPassword = sec ? (sec.users[KAFKA_ADMIN_USER] ?? randomBytes(18).toString('hex')) : '';
  const users = sec ? { ...sec.users, [KAFKA_ADMIN_USER]: adminPassword } : {};
  return { port, controllerPort, ...(plaintextPort ? { plaintextPort } : {}), users, adminPassword };
}

function writeKafkaFiles(opts: KafkaOptions, plan: KafkaPlan, jarsDir: string): KafkaFiles {
  const home = join(opts.dir, 'kafka');
  const dataDir = join(home, 'data');
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(home, 'kafka.log');
  writeFileSync(logFile, '');
  const sec = opts.security;
  let keystoreFile = '';
  if (sec) {
    // Kafka's PEM key store is one file: the (unencrypted PKCS#8) key, then the certificate
    keystoreFile = join(home, 'keystore.pem');
    writeFileSync(keystoreFile, readFileSync(sec.keyFile, 'utf8') + readFileSync(sec.certFile, 'utf8'), { mode: 0o600 });
  }
  const propsFile = join(home, 'server.properties');
  const security = sec ? { security: { ...sec, plaintextPort: plan.plaintextPort, keystoreFile, adminPassword: plan.adminPassword } } : {};
  writeFileSync(propsFile, renderServerProperties({ port: plan.port, controllerPort: plan.controllerPort, logDir: dataDir, ...security }), { mode: 0o600 });
  const version = kafkaJarsVersion(jarsDir) ?? '0';
  const logConfig = renderLogConfig(Number(version.split('.')[0]));
  const logConfigFile = join(home, logConfig.file);
  writeFileSync(logConfigFile, logConfig.text);
  return { home, propsFile, logFile, version, jvm: [...KAFKA_JVM_OPTS, logConfig.jvmFlag(logConfigFile), `-Dkafka.logs.dir=${home}`, '-cp', join(jarsDir, '*')] };
}

function javaCommand(opts: KafkaOptions): string {
  return opts.java ?? process.env.JAVA ?? (process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java');
}

/** Formats the KRaft storage with its SCRAM users, starts the broker and waits until it answers describeCluster. */
async function runBroker(opts: KafkaOptions, plan: KafkaPlan, files: KafkaFiles, clientSecurity: () => KafkaClientSecurity, t0: number): Promise<ManagedProcess> {
  const java = javaCommand(opts);
  // Kafka 4's JVM starts a few seconds slower than 3.9's; on a loaded 2-core machine it needs more than a minute
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const { home, logFile, propsFile, jvm } = files;
  const format = [...jvm, 'kafka.tools.StorageTool', 'format', '-t', kafkaClusterId(), '-c', propsFile, ...scramArgs(plan.users)];
  // its own log: Kafka 4's format prints the bootstrap records, SCRAM keys included, which must not reach an error's log tail
  const formatLog = join(home, 'format.log');
  await runToCompletion({ component: 'kafka', what: 'formatting KRaft storage with its SCRAM users (kafka.tools.StorageTool format)', command: java, args: format, logFile: formatLog, cwd: home, timeoutMs: Math.min(timeoutMs, 30_000) }, t0);
  opts.log?.(`kafka: storage formatted in ${Date.now() - t0} ms`);
  const proc = startProcess({ component: 'kafka', command: java, args: [...jvm, 'kafka.Kafka', propsFile], logFile, cwd: home, stopSignal: 'SIGTERM', stopGraceMs: 8_000 });
  const brokers = [`127.0.0.1:${plan.port}`];
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
          const c = await admin.cluster();
          return c.brokers.length > 0 && c.controllerId >= 0 ? c : undefined;
        } finally {
          await admin.close().catch(() => {});
        }
      },
    });
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return proc;
}

/** Creates the topics (1 partition, replication 1), then waits until the broker lists every one. */
async function createTopics(o: { brokers: string[]; security: KafkaClientSecurity; proc: ManagedProcess; logFile: string; log: (m: string) => void }, topics: string[], timeoutMs: number): Promise<void> {
  const t1 = Date.now();
  const wanted = [...new Set(topics)];
  const admin = adminClient(o.brokers, o.security, timeoutMs);
  try {
    await admin.createTopics(wanted, 1);
  } catch (e) {
    throw new StartupError({ component: 'kafka', reason: `creating ${wanted.length} topics failed: ${errText(e)}`, elapsedMs: Date.now() - t1, logFile: o.logFile });
  } finally {
    await admin.close().catch(() => {});
  }
  await waitUntil({
    what: `the broker to list every contract topic (${wanted.length})`,
    component: 'kafka',
    timeoutMs,
    process: o.proc,
    startedAt: t1,
    check: async () => {
      const have = new Set(await listTopics(o.brokers, o.security));
      const missing = wanted.filter((t) => !have.has(t));
      if (missing.length) throw new Error(`still missing ${missing.join(', ')}`);
      return true;
    },
  });
  o.log(`kafka: ${wanted.length} topics created in ${Date.now() - t1} ms`);
}

async function listTopics(brokers: string[], security: KafkaClientSecurity): Promise<string[]> {
  const admin = adminClient(brokers, security);
  try {
    return await admin.listTopics();
  } finally {
    await admin.close().catch(() => {});
  }
}

export async function startKafka(opts: KafkaOptions): Promise<KafkaInstance> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const jarsDir = resolveKafkaJars(opts.jarsDir);
  const missing = jarsProblem(jarsDir);
  if (missing) {
    const logFile = join(opts.dir, 'kafka', 'kafka.log');
    throw new StartupError({
      component: 'kafka',
      reason: `${missing}; run \`npm ci\` (or \`bash scripts/install-deps.sh\`) to fetch the broker's jars from Maven Central, or point FLOWGATE_KAFKA_JARS at them`,
      elapsedMs: Date.now() - t0,
      ...(existsSync(logFile) ? { logFile } : {}),
    });
  }
  const plan = await planKafka(opts);
  const files = writeKafkaFiles(opts, plan, jarsDir);
  const sec = opts.security;
  const clientSecurity = (user = KAFKA_ADMIN_USER): KafkaClientSecurity =>
    sec ? { ssl: { ca: [readFileSync(sec.caFile, 'utf8')], rejectUnauthorized: true }, sasl: { mechanism: 'scram-sha-512', username: user, password: plan.users[user] ?? '' } } : {};
  const proc = await runBroker(opts, plan, files, clientSecurity, t0);
  const brokers = [`127.0.0.1:${plan.port}`];
  log(`kafka: Kafka ${files.version} ready on ${brokers[0]} in ${Date.now() - t0} ms`);
  const topicsOf = { brokers, security: clientSecurity(), proc, logFile: files.logFile, log };
  return {
    brokers,
    port: plan.port,
    ...(plan.plaintextPort ? { plaintextPort: plan.plaintextPort } : {}),
    version: files.version,
    clientSecurity,
    controllerPort: plan.controllerPort,
    pid: proc.pid,
    logFile: files.logFile,
    process: proc,
    listTopics: () => listTopics(brokers, clientSecurity()),
    createTopics: (topics, timeoutMs = 30_000) => createTopics(topicsOf, topics, timeoutMs),
    stop: () => proc.stop(),
  };
}
