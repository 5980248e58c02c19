// Unit tests of isUnreachable: typed errors by their flag, Node and driver errors by code, name or cause, text by the documented fallback.
import { test, expect } from '@playwright/test';
import { BudgetExceeded, ConfigError, InfrastructureUnreachable, isUnreachable, structuredFailure } from '.';

const coded = (code: string, message = `connect ${code} 10.0.0.1:5432`) => Object.assign(new Error(message), { code });

test('typed errors answer by their class flag, whatever their text', () => {
  expect(isUnreachable(new InfrastructureUnreachable('kafka', 'b:9093', 'unreachable earlier in this run'))).toBe(true);
  expect(isUnreachable(new ConfigError(['KAFKA_BROKERS: connect ECONNREFUSED']))).toBe(false);
  expect(isUnreachable(new BudgetExceeded('the scan to complete', 1000))).toBe(false);
  // a structured failure read back from its attachment answers by its field
  expect(isUnreachable(structuredFailure('s', new InfrastructureUnreachable('redis', 'r:6379', 'x')))).toBe(true);
  expect(isUnreachable({ unreachable: false, message: 'ECONNREFUSED' })).toBe(false);
});

test('Node, PostgreSQL and Kafka client errors by code or name, and by their cause', () => {
  for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '08003']) expect(isUnreachable(coded(code, 'x')), code).toBe(true);
  expect(isUnreachable(coded('28P01', 'password authentication failed'))).toBe(false);
  expect(isUnreachable(coded('42P01', 'relation "users" does not exist'))).toBe(false);
  expect(isUnreachable(Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' }))).toBe(true);
  expect(isUnreachable(new Error('query failed', { cause: coded('ECONNRESET') }))).toBe(true);
  // @platformatic/kafka: retries running out around a NetworkError around the socket's error; a refused SASL login is not unreachable
  const network = (cause: Error) => Object.assign(new Error('Connection to b:9093 failed.', { cause }), { code: 'PLT_KFK_NETWORK' });
  expect(isUnreachable(new AggregateError([network(coded('ECONNREFUSED'))], 'listTopics failed 3 times.'))).toBe(true);
  expect(isUnreachable(new AggregateError([network(Object.assign(new Error('SASL authentication failed.'), { code: 'PLT_KFK_AUTHENTICATION' }))], 'listTopics failed 3 times.'))).toBe(false);
  expect(isUnreachable(Object.assign(new Error('Connection to b:9093 timed out.'), { code: 'PLT_KFK_TIMEOUT' }), { neverConnected: true })).toBe(true);
  expect(isUnreachable(new AggregateError([new Error('a'), coded('ECONNREFUSED')]))).toBe(true);
});

test('text without a code: the connection messages of the drivers, never a plain timeout', () => {
  for (const m of ['connect ECONNREFUSED 127.0.0.1:5432', 'getaddrinfo ENOTFOUND kafka.staging', 'connect timeout after 1500 ms', 'Connection terminated unexpectedly', 'timeout expired', 'timeout exceeded when trying to connect', 'Connection is closed.', "Stream isn't writeable and enableOfflineQueue options is false"])
    expect(isUnreachable(new Error(m)), m).toBe(true);
  for (const m of ['Test timeout of 30000ms exceeded.', 'Timeout 5000ms exceeded', 'expected 201, got 500', 'ERR unknown command']) expect(isUnreachable(new Error(m)), m).toBe(false);
  expect(isUnreachable('ECONNREFUSED')).toBe(true);
  expect(isUnreachable(undefined)).toBe(false);
});

test('neverConnected: only failures before a connection was made, not a reset or a lost one', () => {
  expect(isUnreachable('ECONNREFUSED', { neverConnected: true })).toBe(true);
  expect(isUnreachable('connect timeout after 1500 ms', { neverConnected: true })).toBe(true);
  expect(isUnreachable('ECONNRESET', { neverConnected: true })).toBe(false);
  expect(isUnreachable(coded('ETIMEDOUT', 'no TLS handshake within 5000 ms'), { neverConnected: true })).toBe(false);
});

test('bounded on hostile text: a long message is read only at its head', () => {
  const t0 = Date.now();
  expect(isUnreachable(new Error('x'.repeat(5_000_000) + 'ECONNREFUSED'))).toBe(false);
  expect(Date.now() - t0).toBeLessThan(500);
});
