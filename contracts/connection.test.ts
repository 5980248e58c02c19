// Unit tests of how a target's parts are reached (contracts/connection.ts): booleans, the Kafka TLS/SASL rules, pg and Redis options.
import { test, expect } from '@playwright/test';
import { chromiumExecutable, kafkaSecurity, parseBool, pgClientConfig, redisOptions } from './connection';

test('booleans in every accepted spelling, anything else undefined', () => {
  for (const t of ['true', ' YES ', '1', 'on']) expect(parseBool(t)).toBe(true);
  for (const f of ['false', 'No', '0', 'off']) expect(parseBool(f)).toBe(false);
  expect(parseBool('maybe')).toBeUndefined();
  expect(parseBool(undefined)).toBeUndefined();
});

test('Kafka: TLS from KAFKA_SSL or a CA file; SASL needs a known mechanism and both credentials', () => {
  expect(kafkaSecurity({}, { hasCaFile: false })).toEqual({ ssl: false, problems: [] });
  expect(kafkaSecurity({}, { hasCaFile: true }).ssl).toBe(true);
  expect(kafkaSecurity({ KAFKA_SSL: 'false' }, { hasCaFile: true }).ssl).toBe(false);
  expect(kafkaSecurity({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, { hasCaFile: false }).sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
  expect(kafkaSecurity({ KAFKA_SSL: 'perhaps' }, { hasCaFile: false }).problems).toEqual(['KAFKA_SSL must be true/false (or 1/0, yes/no, on/off), got "perhaps"']);
  expect(kafkaSecurity({ KAFKA_SASL_MECHANISM: 'gssapi' }, { hasCaFile: false, show: () => '<v>' }).problems).toEqual([
    'KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512, got <v>',
    'KAFKA_SASL_USERNAME is required (needed because KAFKA_SASL_MECHANISM is gssapi)',
    'KAFKA_SASL_PASSWORD is required (needed because KAFKA_SASL_MECHANISM is gssapi)',
  ]);
  expect(kafkaSecurity({ KAFKA_SASL_PASSWORD: 'p' }, { hasCaFile: false }).problems[0]).toMatch(/^KAFKA_SASL_MECHANISM is required when/);
});

test('pg: sslmode leaves the URL for the ssl object; Redis: rediss:// is TLS with SNI only for names', () => {
  const read = (f: string) => `CA ${f}`;
  expect(pgClientConfig('postgres://u:p@db.example:5432/x?sslmode=verify-full', { dbSslCaFile: '/ca' }, read)).toEqual({ connectionString: 'postgres://u:p@db.example:5432/x', ssl: { ca: 'CA /ca', rejectUnauthorized: true, host: 'db.example' } });
  expect(pgClientConfig('postgres://u:p@db:5432/x?sslmode=disable', { dbSslCaFile: '/ca' }, read).ssl).toBe(false);
  expect(redisOptions({ redis: { url: 'rediss://:pw@127.0.0.1:6380/2', tlsCaFile: '/ca' } }, 5_000, read)).toMatchObject({ host: '127.0.0.1', port: 6380, db: 2, password: 'pw', tls: { ca: ['CA /ca'] } });
  expect(redisOptions({ redis: { url: 'rediss://cache.example' } }, 5_000, read).tls).toEqual({ servername: 'cache.example' });
  expect(redisOptions({ redis: { url: 'redis://cache.example' } }).tls).toBeUndefined();
});

test('Chromium: CHROMIUM_PATH wins; headless prefers the headless shell when installed', () => {
  expect(chromiumExecutable({ CHROMIUM_PATH: '/opt/c' })).toBe('/opt/c');
  expect(chromiumExecutable({}, { exists: () => true })).toBe('/usr/bin/chromium-headless-shell');
  expect(chromiumExecutable({}, { headed: true, exists: () => true })).toBe('/usr/bin/chromium');
});
