// Unit tests of preflight's error reading: each misconfiguration names its variable and is "could not evaluate", never a platform NO-GO.
import { test, expect } from '@playwright/test';
import { ConfigError, InfrastructureUnreachable } from '../errors';
import { kafkaProblem, missingTopicsProblem, postgresProblem, redisProblem } from './misconfig';

const URL_ = 'postgres://svc:s3cret-pw@db.example:5432/cert_ix_auth';
const pgErr = (code: string, message: string) => Object.assign(new Error(message), { code });

test('PostgreSQL: wrong password, missing database, refused role are ConfigErrors naming the variable, without the password', () => {
  const cases: [string, string, RegExp][] = [
    ['28P01', 'password authentication failed for user "svc"', /^AUTH_DB_URL: .*refused the password of user "svc" \(28P01/],
    ['3D000', 'database "cert_ix_auth" does not exist', /^AUTH_DB_URL: the database in AUTH_DB_URL does not exist on db\.example:5432\/cert_ix_auth \(3D000/],
    ['28000', 'no pg_hba.conf entry for host', /^AUTH_DB_URL: .*does not let user "svc" in \(28000/],
  ];
  for (const [code, message, want] of cases) {
    const e = postgresProblem('AUTH_DB_URL', URL_, pgErr(code, message));
    expect(e, code).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).problems[0]).toMatch(want);
    expect(e!.message).not.toContain('s3cret-pw');
  }
});

test('PostgreSQL: an unreachable host is InfrastructureUnreachable naming the variable; other errors are not claimed', () => {
  const e = postgresProblem('SCANS_DB_URL', URL_, pgErr('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'));
  expect(e).toBeInstanceOf(InfrastructureUnreachable);
  expect(e!.message).toContain('SCANS_DB_URL (db.example:5432/cert_ix_auth)');
  expect(postgresProblem('AUTH_DB_URL', URL_, pgErr('ENOTFOUND', 'getaddrinfo ENOTFOUND db.example'))).toBeInstanceOf(InfrastructureUnreachable);
  expect(postgresProblem('AUTH_DB_URL', URL_, pgErr('42P01', 'relation "users" does not exist'))).toBeUndefined();
});

test('Redis: WRONGPASS and NOAUTH name REDIS_URL as configuration; refused connections are unreachable', () => {
  const url = 'redis://:pw@cache.example:6380/0';
  const wrong = redisProblem(url, new Error('WRONGPASS invalid username-password pair or user is disabled.'));
  expect(wrong).toBeInstanceOf(ConfigError);
  expect(wrong!.message).toContain('REDIS_URL: Redis at cache.example:6380 refused');
  expect(wrong!.message).not.toContain(':pw@');
  expect(redisProblem(url, new Error('NOAUTH Authentication required.'))!.message).toContain('REDIS_URL: Redis at cache.example:6380 requires a password');
  expect(redisProblem(url, Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6380'), { code: 'ECONNREFUSED' }))).toBeInstanceOf(InfrastructureUnreachable);
  expect(redisProblem(url, new Error('ERR unknown command'))).toBeUndefined();
});

test('Kafka: SASL authentication failure names the SASL variables; anything else is KAFKA_BROKERS unreachable', () => {
  const sasl = kafkaProblem(['b1:9093'], Object.assign(new Error('SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512'), { name: 'KafkaJSSASLAuthenticationError' }));
  expect(sasl).toBeInstanceOf(ConfigError);
  expect(sasl.message).toContain('KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD');
  // @platformatic/kafka: the refused login sits under the retries' aggregate and the connection's NetworkError
  const auth = Object.assign(new Error('SASL authentication failed.'), { code: 'PLT_KFK_AUTHENTICATION' });
  const network = Object.assign(new Error('Connection to b1:9093 failed.', { cause: auth }), { code: 'PLT_KFK_NETWORK' });
  const multiple = (m: string, errors: Error[]) => Object.assign(new AggregateError(errors, m), { code: 'PLT_KFK_MULTIPLE' });
  const wrapped = multiple('Listing topics failed.', [multiple('metadata failed 3 times.', [multiple('Cannot connect to any broker.', [network])])]);
  expect(kafkaProblem(['b1:9093'], wrapped)).toBeInstanceOf(ConfigError);
  expect(kafkaProblem(['b1:9093'], wrapped).message).toMatch(/KAFKA_SASL_USERNAME \/ KAFKA_SASL_PASSWORD/);
  const refused = new AggregateError([Object.assign(new Error('Connection to b1:9093 failed.', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9093'), { code: 'ECONNREFUSED' }) }), { code: 'PLT_KFK_NETWORK' })], 'listTopics failed 3 times.');
  expect(kafkaProblem(['b1:9093'], refused)).toBeInstanceOf(InfrastructureUnreachable);
  expect(kafkaProblem(['b1:9093'], refused).message).toContain('ECONNREFUSED');
  const down = kafkaProblem(['b1:9093'], Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9093'), { name: 'KafkaJSConnectionError' }));
  expect(down).toBeInstanceOf(InfrastructureUnreachable);
  expect(down.message).toContain('KAFKA_BROKERS (b1:9093)');
});

test('frozen topics missing on the broker are listed, naming KAFKA_BROKERS; none missing is no problem', () => {
  const e = missingTopicsProblem(['b1:9093'], ['user.registered', 'scan.completed']);
  expect(e).toBeInstanceOf(ConfigError);
  expect(e!.problems[0]).toMatch(/^KAFKA_BROKERS: .* lack 2 frozen topics .*: user\.registered, scan\.completed;/);
  expect(missingTopicsProblem(['b1:9093'], [])).toBeUndefined();
});
