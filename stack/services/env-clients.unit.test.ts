// Unit tests of a service container's TLS/SASL options from the environment (stack/services/common/env-clients.ts).
import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaSecurityFromEnv, poolConfigFromEnv, redisConfigFromEnv } from './common/env-clients';

const read = (f: string) => `CA of ${f}`;

test('Kafka: SASL_SSL with the CA, as docker-compose.test.yml gives the services', () => {
  expect(kafkaSecurityFromEnv({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/certs/ca.pem', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, read)).toEqual({
    ssl: { ca: ['CA of /certs/ca.pem'], rejectUnauthorized: true },
    sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
  });
  // a CA file alone implies TLS; nothing set is plaintext (the embedded --plaintext stack's containers)
  expect(kafkaSecurityFromEnv({ KAFKA_SSL_CA_FILE: '/c.pem' }, read)).toEqual({ ssl: { ca: ['CA of /c.pem'], rejectUnauthorized: true } });
  expect(kafkaSecurityFromEnv({ KAFKA_SSL: 'true' }, read)).toEqual({ ssl: true });
  expect(kafkaSecurityFromEnv({ KAFKA_SSL: 'false', KAFKA_SSL_CA_FILE: '' }, read)).toEqual({});
});

test('Kafka: bad settings fail naming the variable', () => {
  expect(() => kafkaSecurityFromEnv({ KAFKA_SSL: 'maybe' }, read)).toThrow(/KAFKA_SSL must be/);
  expect(() => kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, read)).toThrow(/KAFKA_SASL_MECHANISM must be/);
  expect(() => kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' }, read)).toThrow(/KAFKA_SASL_PASSWORD is required/);
  // credentials without a mechanism would connect unauthenticated: refused, as the harness refuses them
  expect(() => kafkaSecurityFromEnv({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, read)).toThrow(/KAFKA_SASL_MECHANISM is required/);
});

test('PostgreSQL and Redis: verify-full and rediss:// against DB_SSL_CA_FILE and REDIS_TLS_CA_FILE, checked against the compose host names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'env-clients-'));
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, 'PEM');
  const pg = poolConfigFromEnv('postgres://postgres:pw@postgres:5432/cert_ix_auth?sslmode=verify-full', { DB_SSL_CA_FILE: ca });
  expect(pg.connectionString).toBe('postgres://postgres:pw@postgres:5432/cert_ix_auth');
  expect(pg.ssl).toEqual({ ca: 'PEM', rejectUnauthorized: true, host: 'postgres' });
  expect(poolConfigFromEnv('postgres://postgres:pw@postgres:5432/db', {}).ssl).toBe(false);

  const r = redisConfigFromEnv('rediss://flowgate:pw@redis:6379', { REDIS_TLS_CA_FILE: ca });
  expect(r).toMatchObject({ host: 'redis', port: 6379, username: 'flowgate', password: 'pw', tls: { ca: ['PEM'], servername: 'redis' } });
  expect(redisConfigFromEnv('redis://:pw@redis:6379', {}).tls).toBeUndefined();
});
