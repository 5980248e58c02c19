// Unit tests of the embedded stack's pure pieces: config rendering, URLs, env building, log tails and error messages.
import { test, expect } from '@playwright/test';
import { StartupError, formatStartupMessage, tailLines } from './errors';
import { kafkaClusterId, renderServerProperties, scramArgs } from './kafka';
import { kafkaRelease, renderLogConfig, resolveKafkaJars } from './kafka-release';
import { assertDatabaseName, lookupUser, pgUrl, renderPgHba } from './postgres';
import { redisUrl, renderRedisConf } from './redis';
import { SERVER_SANS, WRONG_HOST_SAN, serverExtensions } from './tls';
import { httpsRedirect } from '../gateway/gateway';
import { gatewayCertificateFor } from '../components/gateway';
import { buildStackEnv, databaseEnvKey, DATABASE_ENV, stackDatabases } from '../env';
import { conventionalPortsValue } from '../components/hidden-ports';
import { parseConventionalPorts } from '../../helpers/transport';

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
  // Kafka 4 logs through log4j 2, Kafka 3.9 through reload4j: each gets its own file and JVM flag
  expect(renderLogConfig(3).text).toContain('log4j.rootLogger=WARN');
  expect(renderLogConfig(3).jvmFlag('/x')).toBe('-Dlog4j.configuration=file:/x');
  expect(renderLogConfig(4).text).toContain('rootLogger.level = WARN');
  expect(renderLogConfig(4).text).toContain('logger.raft.name = kafka.server.KafkaRaftServer');
  expect(renderLogConfig(4).jvmFlag('/x')).toBe('-Dlog4j2.configurationFile=file:/x');
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
  const dbs = stackDatabases();
  expect(dbs).toEqual(Object.keys(DATABASE_ENV));
  expect(databaseEnvKey('cert_ix_asset_verification')).toBe('VERIFICATION_DB_URL');
  const env = buildStackEnv({
    kongUrl: 'http://127.0.0.1:1',
    brokers: ['127.0.0.1:2', '127.0.0.1:3'],
    redisUrl: 'redis://:pw@127.0.0.1:4',
    dbUrls: Object.fromEntries(dbs.map((d) => [d, `postgres://u:p@127.0.0.1:5/${d}`])),
    secrets: { jwtSecret: 'j', stripeWebhookSecret: 'whsec_s', captchaTestKey: 'c', csrfEncryptionKey: 'k' },
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

test('secure Kafka: SASL_SSL and an SSL controller only, SCRAM-SHA-512, PEM stores; the fault adds an advertised PLAINTEXT listener', () => {
  const security = { keyFile: '/k.key', certFile: '/k.pem', caFile: '/ca.pem', users: {}, keystoreFile: '/ks.pem', adminPassword: 'adminpw' };
  const p = renderServerProperties({ port: 9093, controllerPort: 9094, logDir: '/d', security });
  expect(p).toContain('listeners=SASL_SSL://127.0.0.1:9093,CONTROLLER://127.0.0.1:9094\n');
  expect(p).toContain('advertised.listeners=SASL_SSL://127.0.0.1:9093\n');
  expect(p).toContain('listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL,PLAINTEXT:PLAINTEXT');
  expect(p).toContain('sasl.enabled.mechanisms=SCRAM-SHA-512');
  expect(p).toContain('password="adminpw"');
  expect(p).toContain('ssl.keystore.type=PEM\nssl.keystore.location=/ks.pem');
  expect(p).not.toContain('PLAINTEXT://');
  const faulty = renderServerProperties({ port: 9093, controllerPort: 9094, logDir: '/d', security: { ...security, plaintextListener: true, plaintextPort: 9092 } });
  expect(faulty).toContain('advertised.listeners=SASL_SSL://127.0.0.1:9093,PLAINTEXT://127.0.0.1:9092');
  expect(scramArgs({ svc: 'pw1', flowgate: 'pw2' })).toEqual(['--add-scram', 'SCRAM-SHA-512=[name=svc,password=pw1]', '--add-scram', 'SCRAM-SHA-512=[name=flowgate,password=pw2]']);
  expect(() => scramArgs({ 'a,b': 'x' })).toThrow('SCRAM user');
});

test('secure Redis: tls-port only, the default user off, one ACL user; a rediss URL', () => {
  const conf = renderRedisConf({ port: 4000, dir: '/tmp/r', password: 'pw', tls: { keyFile: '/r.key', certFile: '/r.pem', caFile: '/ca.pem' } });
  expect(conf).toContain('port 0\ntls-port 4000\n');
  expect(conf).toContain('user default off');
  expect(conf).toContain('user flowgate on >pw ~* &* +@all');
  expect(conf).not.toContain('requirepass');
  expect(redisUrl('p@ss', 4000, '127.0.0.1', 'flowgate')).toBe('rediss://flowgate:p%40ss@127.0.0.1:4000');
});

test('pg_hba.conf: hostssl only when secure; the fault accepts plaintext', () => {
  expect(renderPgHba({ tls: true })).toBe('local all postgres trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostssl all all ::1/128 scram-sha-256\n');
  expect(renderPgHba({ tls: true, acceptPlaintext: true })).toContain('host all all 127.0.0.1/32 scram-sha-256');
  expect(renderPgHba({ tls: false })).not.toContain('hostssl');
});

test('server certificates are for loopback only and serverAuth; the wrong-host one is not', () => {
  expect(serverExtensions(SERVER_SANS)).toContain('subjectAltName=IP:127.0.0.1,DNS:localhost');
  expect(serverExtensions(SERVER_SANS)).toContain('extendedKeyUsage=serverAuth');
  expect(WRONG_HOST_SAN).not.toContain('127.0.0.1');
});

test('the gateway: plain HTTP gets a bodiless 308 to https; the faults pick the certificate', () => {
  expect(httpsRedirect('127.0.0.1:8080', '/api/v1/plans?x=1', 8443)).toEqual({ status: 308, location: 'https://127.0.0.1:8443/api/v1/plans?x=1' });
  expect(httpsRedirect(undefined, 'http://evil/', 8443).location).toBe('https://127.0.0.1:8443/');
  const certs = { valid: { key: 'k', cert: 'valid' }, wrongHost: { key: 'k', cert: 'wrong' }, expired: { key: 'k', cert: 'expired' } };
  const on = (n: string) => ({ on: (x: string) => x === n });
  expect(gatewayCertificateFor(on('none'), certs).cert).toBe('valid');
  expect(gatewayCertificateFor(on('tls-gateway-wrong-host-cert'), certs).cert).toBe('wrong');
  expect(gatewayCertificateFor(on('tls-gateway-expired-cert'), certs).cert).toBe('expired');
});

test('the secure stack publishes exactly the staging TLS variables; plaintext mode publishes none of them', () => {
  const base = { kongUrl: 'https://127.0.0.1:1', brokers: ['127.0.0.1:2'], redisUrl: 'rediss://flowgate:pw@127.0.0.1:3', dbUrls: { cert_ix_auth: 'postgres://u:p@127.0.0.1:4/cert_ix_auth?sslmode=verify-full' }, secrets: { jwtSecret: 'j', stripeWebhookSecret: 'whsec_x', captchaTestKey: 'c', csrfEncryptionKey: 'k' }, controlUrl: 'http://127.0.0.1:5' };
  const env = buildStackEnv({ ...base, transport: { caFile: '/ca.pem', kafkaUser: 'flowgate', kafkaPassword: 'kpw', publicEndpoints: ['127.0.0.1:1', '127.0.0.1:6'] } });
  expect(env).toMatchObject({ KONG_CA_FILE: '/ca.pem', FLOWGATE_PUBLIC_ENDPOINTS: '127.0.0.1:1,127.0.0.1:6', KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/ca.pem', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'flowgate', KAFKA_SASL_PASSWORD: 'kpw', REDIS_TLS_CA_FILE: '/ca.pem', DB_SSL_CA_FILE: '/ca.pem' });
  const plain = buildStackEnv(base);
  for (const k of ['KONG_CA_FILE', 'KAFKA_SSL', 'KAFKA_SASL_USERNAME', 'REDIS_TLS_CA_FILE', 'DB_SSL_CA_FILE']) expect(plain[k]).toBeUndefined();
});

test("the stack's FLOWGATE_CONVENTIONAL_PORTS names every reserved role's port and reads back as exactly those", () => {
  const value = conventionalPortsValue({ http: 41001, admin: 41002, kafka: 41003, redis: 41004 });
  expect(value).toBe('http=41001,admin=41002,kafka=41003,redis=41004');
  expect(parseConventionalPorts(value)).toEqual({ http: [41001], admin: [41002], kafka: [41003], redis: [41004] });
});

test('STACK_KAFKA_VERSION picks Kafka 4 by default or 3.9, each with its own .cache folder; FLOWGATE_KAFKA_JARS wins', () => {
  expect(kafkaRelease({})).toBe('4');
  expect(kafkaRelease({ STACK_KAFKA_VERSION: '4.1' })).toBe('4');
  expect(kafkaRelease({ STACK_KAFKA_VERSION: ' 3.9 ' })).toBe('3.9');
  expect(() => kafkaRelease({ STACK_KAFKA_VERSION: '2.8' })).toThrow(/STACK_KAFKA_VERSION must be 4 \(the default\) or 3\.9, got "2\.8"/);
  expect(resolveKafkaJars(undefined, {})).toMatch(/\.cache\/kafka\/jars$/);
  expect(resolveKafkaJars(undefined, { STACK_KAFKA_VERSION: '3.9' })).toMatch(/\.cache\/kafka-3\.9\/jars$/);
  expect(resolveKafkaJars(undefined, { STACK_KAFKA_VERSION: '3.9', FLOWGATE_KAFKA_JARS: '/opt/jars' })).toBe('/opt/jars');
});
