// Unit tests of the message helpers: durations, first lines, capped and redacted excerpts, addresses without credentials, linear time.
import { test, expect } from '@playwright/test';
import { BudgetExceeded, categoryOf, ContractViolation, DbStateMismatch, firstLine, formatMs, UnexpectedResponse, withoutCredentials, excerpt } from '.';

test('formatMs and firstLine', () => {
  expect([formatMs(10_000), formatMs(1_500), formatMs(250)]).toEqual(['10 s', '1.5 s', '250 ms']);
  expect(firstLine('\u001b[31m\nError: boom\u001b[39m\nstack')).toBe('Error: boom');
  expect(firstLine(undefined)).toBe('');
});

test("quoted bodies are capped and redacted where the message is made: a login answer's tokens never reach it", () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LTEiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLWJ5dGVz';
  const body = { accessToken: jwt, refreshToken: 'rt_opaque_0123456789', tokenType: 'Bearer', expiresIn: '900', user: { id: 'u-1', email: 'a@b.test' }, pad: 'z'.repeat(5000) };
  const e = new ContractViolation({ operationId: 'login', status: 200, body, problems: ['/expiresIn must be integer'] });
  expect(e.message).not.toContain(jwt.split('.')[2]);
  expect(e.message).not.toContain('rt_opaque_0123456789');
  expect(e.message).toContain('"refreshToken":"[REDACTED]"');
  expect(e.message).toMatch(/… \[\d+ bytes more\]$/);
  expect(e.message.length).toBeLessThan(800);
  // A token field cut at the excerpt's end still goes: the text is redacted past the cut before it is cut.
  const cut = new UnexpectedResponse({ method: 'POST', path: '/login', expected: 200, got: 500, body: JSON.stringify({ pad: 'p'.repeat(480), refreshToken: 'rt_cut_here_0123456789' }) });
  expect(cut.message).not.toMatch(/rt_cut/);
  // DB rows, Redis values and the last thing a wait saw go through the same excerpt.
  expect(new DbStateMismatch({ probe: 'p', expected: 'x', got: [{ password_hash: 'h', token: 'verif-123456' }] }).message).not.toContain('verif-123456');
  expect(new BudgetExceeded('a thing', 1000, `Bearer ${jwt}`).message).not.toContain(jwt);
});

test('withoutCredentials removes a password with an unencoded / or @ whole, and leaves plain addresses alone', () => {
  expect(withoutCredentials('postgres://u:s3cr/et@h/db')).toBe('postgres://h/db');
  expect(withoutCredentials('redis://:p@ss/word@h:6379')).toBe('redis://h:6379');
  expect(withoutCredentials('https://kong.example:8443/api')).toBe('https://kong.example:8443/api');
  expect(withoutCredentials('broker-1:9093,broker-2:9093')).toBe('broker-1:9093,broker-2:9093');
});

test('message helpers stay linear on long adversarial text', () => {
  const long = ' '.repeat(1 << 20) + '\n' + 'a1+.-'.repeat(200_000) + 'expect.poll '.repeat(50_000);
  const t0 = Date.now();
  excerpt(long);
  withoutCredentials('a1+.-'.repeat(200_000));
  categoryOf({ message: 'expect.poll '.repeat(50_000) });
  expect(Date.now() - t0).toBeLessThan(1_000);
});
