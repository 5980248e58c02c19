// What the embedded stack needs on this machine (Node, JDK, Maven/Kafka jars, PostgreSQL, Redis, Chromium, openssl): found or missing, version, how to get it.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { resolveKafkaJars } from './infra/kafka';
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

export function kafkaJarsVersion(dir = resolveKafkaJars()): string | undefined {
  if (!existsSync(dir)) return undefined;
  const jar = readdirSync(dir).find((f) => /^kafka_2\.13-.*\.jar$/.test(f));
  return jar ? /kafka_2\.13-([\d.]+)\.jar$/.exec(jar)?.[1] : undefined;
}

/**
 * The embedded stack's requirements. With `versions` false nothing is run (a file-system look only, for npm run
 * smoke's quick check); npm run doctor asks each tool for its version.
 */
export function requirements(opts: { versions?: boolean } = {}): Requirement[] {
  const v = opts.versions ?? true;
  const java = javaCommand();
  const mvn = onPath('mvn');
  const jarsDir = resolveKafkaJars();
  const jars = kafkaJarsVersion(jarsDir);
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
    { name: 'Kafka broker jars', found: !!jars, where: jarsDir, version: jars, how: 'npm ci (or bash scripts/install-deps.sh) with Maven installed, or point FLOWGATE_KAFKA_JARS at them', required: true },
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
