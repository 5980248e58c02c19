// Which Apache Kafka the embedded broker runs: Kafka 4 by default, 3.9 with STACK_KAFKA_VERSION=3.9; where each one's jars are and how its logging is configured.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { onPath, versionOf, type Requirement } from './requirement';

const ROOT = resolve(__dirname, '..', '..');

/** The releases the stack can run: the pom that pins each (scripts/install-deps.sh fetches it) and the .cache folder of its jars. */
export const KAFKA_RELEASES = {
  '4': { pom: join(ROOT, 'stack', 'kafka', 'pom.xml'), jars: join(ROOT, '.cache', 'kafka', 'jars') },
  '3.9': { pom: join(ROOT, 'stack', 'kafka', '3.9', 'pom.xml'), jars: join(ROOT, '.cache', 'kafka-3.9', 'jars') },
} as const;
export type KafkaRelease = keyof typeof KAFKA_RELEASES;

/** STACK_KAFKA_VERSION: unset or "4" is Kafka 4 (4.x), "3.9" the 3.9 line; anything else is refused naming the variable. */
export function kafkaRelease(env: Record<string, string | undefined> = process.env): KafkaRelease {
  const v = env.STACK_KAFKA_VERSION?.trim() ?? '';
  if (v === '' || v === '4' || v.startsWith('4.')) return '4';
  if (v === '3.9' || v.startsWith('3.9.')) return '3.9';
  throw new Error(`STACK_KAFKA_VERSION must be 4 (the default) or 3.9, got ${JSON.stringify(v.slice(0, 40))}`);
}

/** The broker's jars: an explicit folder, else $FLOWGATE_KAFKA_JARS, else the .cache folder of the release STACK_KAFKA_VERSION picks. */
export function resolveKafkaJars(jarsDir?: string, env: Record<string, string | undefined> = process.env): string {
  return resolve(jarsDir ?? env.FLOWGATE_KAFKA_JARS ?? KAFKA_RELEASES[kafkaRelease(env)].jars);
}

/** The Kafka version of the jars in a folder (from kafka_2.13-<version>.jar); undefined when there are none. */
export function kafkaJarsVersion(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const jar = readdirSync(dir).find((f) => /^kafka_2\.13-[\d.]+\.jar$/.test(f));
  return jar ? /kafka_2\.13-([\d.]+)\.jar$/.exec(jar)?.[1] : undefined;
}

/** Why a folder holds no runnable broker (undefined when it does). */
export function jarsProblem(jarsDir: string): string | undefined {
  if (!existsSync(jarsDir)) return `the Kafka jars directory ${jarsDir} does not exist`;
  const jars = readdirSync(jarsDir).filter((f) => f.endsWith('.jar'));
  if (!kafkaJarsVersion(jarsDir)) return `no kafka_2.13-*.jar in ${jarsDir} (${jars.length} jars there)`;
  return undefined;
}

/**
 * The broker's logging: WARN and above, plus the one INFO line that says the server is up. Kafka 4 logs through
 * log4j 2 (-Dlog4j2.configurationFile), Kafka 3 through reload4j (-Dlog4j.configuration); pure, so unit-tested.
 */
export function renderLogConfig(major: number): { file: string; text: string; jvmFlag: (path: string) => string } {
  if (major >= 4)
    return {
      file: 'log4j2.properties',
      text: [
        'status = warn',
        'appender.stdout.type = Console',
        'appender.stdout.name = STDOUT',
        'appender.stdout.layout.type = PatternLayout',
        'appender.stdout.layout.pattern = [%d] %p %m (%c)%n',
        'rootLogger.level = WARN',
        'rootLogger.appenderRef.stdout.ref = STDOUT',
        'logger.raft.name = kafka.server.KafkaRaftServer',
        'logger.raft.level = INFO',
        '',
      ].join('\n'),
      jvmFlag: (p) => `-Dlog4j2.configurationFile=file:${p}`,
    };
  return {
    file: 'log4j.properties',
    text: [
      'log4j.rootLogger=WARN, stdout',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.kafka.server.KafkaRaftServer=INFO',
      '',
    ].join('\n'),
    jvmFlag: (p) => `-Dlog4j.configuration=file:${p}`,
  };
}

function javaCommand(): string | undefined {
  if (process.env.JAVA) return onPath(process.env.JAVA);
  if (process.env.JAVA_HOME) return onPath(join(process.env.JAVA_HOME, 'bin', 'java'));
  return onPath('java');
}

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

/** What Kafka needs here: a JDK 17, the jars of the release STACK_KAFKA_VERSION picks, and Maven only to fetch them. */
export function kafkaRequirements(v: boolean): Requirement[] {
  const java = javaCommand();
  const mvn = onPath('mvn');
  const kafka = kafkaChoice();
  const jarsDir = kafka.jarsDir;
  const jars = jarsDir ? kafkaJarsVersion(jarsDir) : undefined;
  const javaVersion = java && v ? versionOf(java, ['-version'], /version "([^"]+)"/) : undefined;
  // "1.8.0_x" is Java 8; "17.0.15" is 17
  const javaMajor = javaVersion ? Number(javaVersion.startsWith('1.') ? javaVersion.split('.')[1] : javaVersion.split('.')[0]) : undefined;
  return [
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
  ];
}
