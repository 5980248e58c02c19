// Unit tests of the embedded stack's pure pieces: config rendering, URLs, env building, log tails and error messages.
import { test, expect } from '@playwright/test';
import { StartupError, formatStartupMessage, tailLines } from './errors';
import { kafkaClusterId, renderLog4j, renderServerProperties } from './kafka';
import { assertDatabaseName, lookupUser, pgUrl } from './postgres';
import { redisUrl, renderRedisConf } from './redis';
import { buildStackEnv, databaseEnvKey, DATABASE_ENV, stackDatabases } from '../index';

test('tailLines keeps the last n lines and drops trailing blank ones', () => {
  const text = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n\n';
  expect(tailLines(text, 3)).toBe('line 28\nline 29\nline 30');
  expect(tailLines('a\r\nb\r\n', 20)).toBe('a\nb');
  expect(tailLines('', 5)).toBe('');
});

test('StartupError says what failed, where, after how long, with the log tail', () => {
  const e = new StartupError({ component: 'redis', reason: 'exited with code 1 while waiting for PING', elapsedMs: 1234, logFile: '/tmp/x/redis.log', logTail: 'Address already in use' });
  expect(e).toBeInstanceOf(Error);
  expect(e.name).toBe('StartupError');
  expect(e.component).toBe('redis');
  expect(e.elapsedMs).toBe(1234);
  expect(e.message).toContain('redis failed after 1.2 s: exited with code 1');
  expect(e.message).toContain('log: /tmp/x/redis.log');
  expect(e.message).toContain('| Address already in use');
  expect(formatStartupMessage('kafka', 'no jars', 10, undefined, '')).toBe('StartupError: kafka failed after 0.0 s: no jars');
});

test('server.properties: KRaft single node on the given loopback ports, no auto-created topics', () => {
  const p = renderServerProperties({ port: 40001, controllerPort: 40002, logDir: '/tmp/k/data' });
  const kv = Object.fromEntries(p.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
  expect(kv['process.roles']).toBe('broker,controller');
  expect(kv['node.id']).toBe('1');
  expect(kv['listeners']).toBe('PLAINTEXT://127.0.0.1:40001,CONTROLLER://127.0.0.1:40002');
  expect(kv['controller.quorum.voters']).toBe('1@127.0.0.1:40002');
  expect(kv['auto.create.topics.enable']).toBe('false');
  expect(kv['group.initial.rebalance.delay.ms']).toBe('0');
  expect(kv['offsets.topic.replication.factor']).toBe('1');
  expect(kv['transaction.state.log.replication.factor']).toBe('1');
  expect(kv['num.partitions']).toBe('1');
  expect(kv['log.dirs']).toBe('/tmp/k/data');
  expect(renderLog4j()).toContain('log4j.rootLogger=WARN');
  expect(renderLog4j()).toContain('log4j.logger.kafka.server.KafkaRaftServer=INFO');
});

test('cluster ids have Kafka\'s shape: 22 URL-safe base64 characters', () => {
  for (let i = 0; i < 20; i++) expect(kafkaClusterId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
});

test('redis.conf: loopback, password, no persistence', () => {
  const conf = renderRedisConf({ port: 4000, dir: '/tmp/r', password: 'pw' });
  expect(conf).toContain('port 4000');
  expect(conf).toContain('bind 127.0.0.1');
  expect(conf).toContain('requirepass pw');
  expect(conf).toContain('save ""');
  expect(conf).toContain('appendonly no');
  expect(redisUrl('p@ss', 4000)).toBe('redis://:p%40ss@127.0.0.1:4000');
});

test('PostgreSQL helpers: passwd lookup, URL encoding, database names', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\npostgres:x:101:104:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n';
  expect(lookupUser(passwd, 'postgres')).toEqual({ uid: 101, gid: 104 });
  expect(lookupUser(passwd, 'nobody')).toBeUndefined();
  expect(pgUrl({ user: 'flowgate', password: 'a/b', host: '127.0.0.1', port: 5, database: 'cert_ix_auth' })).toBe('postgres://flowgate:a%2Fb@127.0.0.1:5/cert_ix_auth');
  expect(() => assertDatabaseName('cert_ix_auth')).not.toThrow();
  expect(() => assertDatabaseName('x"; DROP')).toThrow(/invalid database name/);
});

test('env: exactly the documented keys, one URL per database from DATABASE_ENV', () => {
  const dbs = stackDatabases([{ name: 's', database: 'cert_ix_auth', register: async () => {} }]);
  expect(dbs).toEqual(Object.keys(DATABASE_ENV));
  expect(stackDatabases([{ name: 'x', database: 'cert_ix_extra', register: async () => {} }])).toContain('cert_ix_extra');
  expect(databaseEnvKey('cert_ix_asset_verification')).toBe('VERIFICATION_DB_URL');
  expect(databaseEnvKey('cert_ix_extra')).toBe('EXTRA_DB_URL');
  const env = buildStackEnv({
    kongUrl: 'http://127.0.0.1:1',
    brokers: ['127.0.0.1:2', '127.0.0.1:3'],
    redisUrl: 'redis://:pw@127.0.0.1:4',
    dbUrls: Object.fromEntries(dbs.map((d) => [d, `postgres://u:p@127.0.0.1:5/${d}`])),
    secrets: { jwtSecret: 'j', stripeWebhookSecret: 'whsec_s', captchaTestKey: 'c' },
    controlUrl: 'http://127.0.0.1:6',
  });
  expect(Object.keys(env).sort()).toEqual(
    ['FLOWGATE_TARGET_NAME', 'KONG_URL', 'KAFKA_BROKERS', 'REDIS_URL', ...Object.values(DATABASE_ENV), 'STRIPE_WEBHOOK_SECRET', 'CAPTCHA_TEST_KEY', 'JWT_TEST_SIGNING_KEY', 'STACK_CONTROL_URL'].sort(),
  );
  expect(env.FLOWGATE_TARGET_NAME).toBe('embedded');
  expect(env.KAFKA_BROKERS).toBe('127.0.0.1:2,127.0.0.1:3');
  expect(env.VERIFICATION_DB_URL).toBe('postgres://u:p@127.0.0.1:5/cert_ix_asset_verification');
  expect(env.JWT_TEST_SIGNING_KEY).toBe('j');
});

test('a cluster id never starts with "-", which the storage tool would take for an option', () => {
  // 0xfb… encodes to "-…" in base64url; the generator must draw again.
  const draws = [Buffer.alloc(16, 0xfb), Buffer.alloc(16, 0x41)];
  const id = kafkaClusterId(() => draws.shift()!);
  expect(Buffer.alloc(16, 0xfb).toString('base64url').startsWith('-')).toBe(true);
  expect(id.startsWith('-')).toBe(false);
  expect(draws).toHaveLength(0);
});
