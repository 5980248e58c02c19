// What the embedded stack needs on this machine (Node, JDK, Maven/Kafka jars, PostgreSQL, Redis, Chromium, openssl): found or missing, version, how to get it.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KAFKA_RELEASES, kafkaJarsVersion, kafkaRelease, resolveKafkaJars } from './infra/kafka-release';
import { findPgBinDir } from './infra/postgres';
import { chromiumExecutable } from '../contracts/connection';

export interface Requirement {
  name: string;
  found: boolean;
  /** where it was found (a path) */
  where?: string;
  version?: string;
  /** how to get it when missing */
  how: string;
  /** false: missing is fine (Maven, once the jars are fetched) */
  required: boolean;
  note?: string;
}

/** An executable on PATH (or an absolute path), found without running anything. */
export function onPath(cmd: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = cmd.includes('/') ? [cmd] : path.split(delimiter).filter(Boolean).map((d) => join(d, cmd));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** First line of `cmd args` (stdout or stderr), matched for a version number; undefined when it does not run. */
function versionOf(cmd: string, args: string[], pattern = /(\d+(?:\.\d+)+)/): string | undefined {
  // java -version writes to stderr; mvn colours its output
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15_000 });
  // eslint-disable-next-line no-control-regex
  return pattern.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`.replace(/\u001b\[[0-9;]*m/g, ''))?.[1];
}

function javaCommand(): string | undefined {
  if (process.env.JAVA) return onPath(process.env.JAVA);
  if (process.env.JAVA_HOME) return onPath(join(process.env.JAVA_HOME, 'bin', 'java'));
  return onPath('java');
}

export { kafkaJarsVersion } from './infra/kafka-release';

/** Which Kafka the stack will run (STACK_KAFKA_VERSION), where its jars are and how to get them. */
function kafkaChoice(): { jarsDir?: string; how: string; note: string } {
  try {
    const release = kafkaRelease();
    const fetch = release === '3.9' ? 'STACK_KAFKA_VERSION=3.9 bash scripts/install-deps.sh' : 'npm ci (or bash scripts/install-deps.sh)';
    return {
      jarsDir: resolveKafkaJars(),
      how: `${fetch} with Maven installed, or point FLOWGATE_KAFKA_JARS at them`,
      note: process.env.FLOWGATE_KAFKA_JARS ? 'the stack runs the jars FLOWGATE_KAFKA_JARS names' : `the stack runs Kafka ${release} (STACK_KAFKA_VERSION=${release === '4' ? '3.9 runs 3.9 instead' : '3.9; unset runs Kafka 4'})`,
    };
  } catch (e) {
    return { how: (e as Error).message, note: `pom ${KAFKA_RELEASES['4'].pom}` };
  }
}

/**
 * The embedded stack's requirements. With `versions` false nothing is run (a file-system look only, for npm run
 * smoke's quick check); npm run doctor asks each tool for its version.
 */
export function requirements(opts: { versions?: boolean } = {}): Requirement[] {
  const v = opts.versions ?? true;
  const java = javaCommand();
  const mvn = onPath('mvn');
  const kafka = kafkaChoice();
  const jarsDir = kafka.jarsDir;
  const jars = jarsDir ? kafkaJarsVersion(jarsDir) : undefined;
  const pgDir = findPgBinDir();
  const redis = onPath('redis-server');
  const chromium = onPath(chromiumExecutable(process.env)) ?? (process.env.CHROMIUM_PATH ? undefined : onPath('chromium'));
  const openssl = onPath('openssl');
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  const javaVersion = java && v ? versionOf(java, ['-version'], /version "([^"]+)"/) : undefined;
  // "1.8.0_x" is Java 8; "17.0.15" is 17
  const javaMajor = javaVersion ? Number(javaVersion.startsWith('1.') ? javaVersion.split('.')[1] : javaVersion.split('.')[0]) : undefined;
  return [
    { name: 'Node.js >= 20', found: nodeMajor >= 20, where: process.execPath, version: process.versions.node, how: 'install Node 20 or later (https://nodejs.org, or apt-get install nodejs)', required: true },
    { name: 'JDK (java) >= 17', found: !!java && (javaMajor === undefined || javaMajor >= 17), where: java, version: javaVersion, how: 'apt-get install openjdk-17-jdk-headless (or set JAVA_HOME)', required: true },
    {
      name: 'Maven (mvn)',
      found: !!mvn,
      where: mvn,
      version: mvn && v ? versionOf(mvn, ['-v'], /Apache Maven ([\d.]+)/) : undefined,
      how: 'apt-get install maven (it fetches the Kafka jars from Maven Central)',
      // only needed to fetch the jars
      required: !jars,
      ...(!mvn && jars ? { note: 'not needed: the Kafka jars are already there' } : {}),
    },
    { name: 'Kafka broker jars', found: !!jars, where: jarsDir, version: jars, how: kafka.how, required: true, note: kafka.note },
    { name: 'PostgreSQL 15 binaries', found: !!pgDir, where: pgDir, version: pgDir && v ? versionOf(join(pgDir, 'postgres'), ['--version']) : undefined, how: 'apt-get install postgresql-15 (or point FLOWGATE_PG_BINDIR at its bin folder)', required: true },
    { name: 'Redis 7 (redis-server)', found: !!redis, where: redis, version: redis && v ? versionOf(redis, ['--version'], /v=(\S+)/) : undefined, how: 'apt-get install redis-server', required: true },
    { name: 'Chromium', found: !!chromium, where: chromium, version: chromium && v ? versionOf(chromium, ['--version']) : undefined, how: 'apt-get install chromium chromium-headless-shell (or set CHROMIUM_PATH); never `playwright install`', required: true },
    { name: 'openssl', found: !!openssl, where: openssl, version: openssl && v ? versionOf(openssl, ['version']) : undefined, how: 'apt-get install openssl', required: true },
  ];
}

/** The requirements the embedded stack lacks (empty: it can run). */
export function missingForEmbedded(reqs: Requirement[]): Requirement[] {
  return reqs.filter((r) => r.required && !r.found);
}

export function formatRequirement(r: Requirement): string {
  const mark = r.found ? 'found  ' : r.required ? 'MISSING' : 'missing';
  const detail = r.found ? `${r.version ?? 'version unknown'}${r.where ? ` (${r.where})` : ''}` : r.how;
  return `${mark}  ${r.name.padEnd(24)} ${detail}${r.note ? ` — ${r.note}` : ''}`;
}
