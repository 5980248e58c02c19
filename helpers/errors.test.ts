// Unit tests of the typed errors: names, categories, messages that say expected/got/where, and categoryOf() on any error text.
import { test, expect } from '@playwright/test';
import {
  AuthBypass,
  BudgetExceeded,
  categoryOf,
  ConfigError,
  ContractViolation,
  DbStateMismatch,
  EventNotObserved,
  FlowgateError,
  firstLine,
  formatMs,
  InfrastructureUnreachable,
  RedisStateMismatch,
  UnexpectedResponse,
  parseStructuredFailure,
  structuredFailure,
  withoutCredentials,
  excerpt,
} from './errors';

test('EventNotObserved names the topic, the keys, the budget and what it saw instead, counted and by key, never by payload', () => {
  const other = { topic: 'cert-ix.subscription.plan.free.activated', partition: 0, offset: '41', key: 't-9', value: '{"tenantId":"t-9","email":"someone@else.test"}' } as any;
  const e = new EventNotObserved({ topic: 'cert-ix.subscription.plan.free.activated', match: 'tenantId="t-123"', budgetMs: 10_000, sawCount: 3, sample: [other] });
  expect(e).toBeInstanceOf(FlowgateError);
  expect(e).toBeInstanceOf(Error);
  expect(e.name).toBe('EventNotObserved');
  expect(e.category).toBe('event not observed');
  expect(String(e)).toMatch(/^EventNotObserved: no cert-ix\.subscription\.plan\.free\.activated for tenantId="t-123" within 10 s; saw 3 others/);
  expect(e.message).toContain('e.g. cert-ix.subscription.plan.free.activated key t-9 (partition 0, offset 41)');
  // Another tenant's payload never reaches the message or the error's fields (a reporter serializes both).
  expect(JSON.stringify({ ...e, message: e.message, stack: e.stack })).not.toContain('someone@else.test');
  expect(e.stack).toMatch(/^EventNotObserved: no cert-ix/);
  expect([e.topic, e.budgetMs, e.sawCount]).toEqual(['cert-ix.subscription.plan.free.activated', 10_000, 3]);
  expect(String(new EventNotObserved({ topic: 'x', match: { userId: 'u1' }, budgetMs: 500, sawCount: 0 }))).toBe('EventNotObserved: no x for userId="u1" within 500 ms; saw nothing else on that topic');
});

test('ContractViolation quotes the offending event (topic, partition, offset, headers, truncated value)', () => {
  const long = 'x'.repeat(2000);
  const e = new ContractViolation({ topic: 'cert-ix.asset.created', partition: 0, offset: '12', headers: { 'schema-version': '2.0' }, value: long, problems: ['header schema-version is "2.0" (expected "1.0")'] });
  expect(String(e)).toMatch(/^ContractViolation: event on cert-ix\.asset\.created \(partition 0, offset 12\) breaks the frozen contract: header schema-version is "2\.0"/);
  expect(e.message).toContain('"schema-version":"2.0"');
  expect(e.message.length).toBeLessThan(1200);
  expect(e.message).toMatch(/… \[\d+ bytes more\]/);
  expect(e.category).toBe('contract violation');
  const r = new ContractViolation({ operationId: 'createAsset', status: 201, body: { id: 1 }, problems: ['/id must be string'] });
  expect(String(r)).toBe('ContractViolation: response of createAsset with status 201 breaks the frozen contract: /id must be string\n  body: {"id":1}');
});

test('EventNotObserved names what the bounded buffer dropped on the topic, after what it saw', () => {
  const e = new EventNotObserved({ topic: 'cert-ix.asset.created', match: { assetId: 'a-1' }, budgetMs: 5_000, sawCount: 2, dropped: '1 more on that topic dropped since the test began (1 larger than the 1 MiB message cap (FLOWGATE_MAX_BODY_BYTES), counted not kept, the largest 2 MiB)' });
  expect(e.message).toBe('no cert-ix.asset.created for assetId="a-1" within 5 s; saw 2 others (not quoted: they may be other tenants\'); 1 more on that topic dropped since the test began (1 larger than the 1 MiB message cap (FLOWGATE_MAX_BODY_BYTES), counted not kept, the largest 2 MiB)');
  expect(e.observed).toContain("saw 2 others (not quoted: they may be other tenants'); 1 more on that topic dropped");
  expect(e.dropped).toContain('counted not kept');
});

test('UnexpectedResponse says method, path, expected and got status, body excerpt and trace id', () => {
  const e = new UnexpectedResponse({ method: 'POST', path: '/api/v1/assets', expected: [201], got: 500, body: '{"error":"boom"}', traceId: 'tr-1' });
  expect(String(e)).toBe('UnexpectedResponse: POST /api/v1/assets expected 201, got 500 (trace tr-1); body: {"error":"boom"}');
  expect(e.category).toBe('unexpected response');
  expect(new UnexpectedResponse({ method: 'GET', path: '/p', expected: [200, 204], got: 404 }).message).toContain('expected 200 or 204, got 404');
});

test('UnexpectedResponse for a body over the cap names its size, the cap, the operation, method, path and trace id', () => {
  const declared = new UnexpectedResponse({ method: 'GET', path: '/api/v1/assets/a-1', operationId: 'getAsset', expected: [200], got: 200, traceId: 'fg-1', tooLarge: { bytes: 5 * 1024 * 1024, declared: true, capBytes: 1024 * 1024 } });
  expect(String(declared)).toBe(
    'UnexpectedResponse: GET /api/v1/assets/a-1 (getAsset) answered 200 with a body of 5 MiB (5242880 bytes) by its Content-Length, not read; a body of at most 1 MiB (1048576 bytes) (FLOWGATE_MAX_BODY_BYTES) was expected (trace fg-1)',
  );
  expect(declared.category).toBe('unexpected response');
  expect(structuredFailure('3. Read asset', declared)).toMatchObject({
    category: 'unexpected response',
    probe: 'GET /api/v1/assets/a-1',
    expected: 'status 200 with a body of at most 1 MiB (1048576 bytes) (FLOWGATE_MAX_BODY_BYTES)',
    observed: 'status 200 with a body of 5 MiB (5242880 bytes) by its Content-Length, not read (trace fg-1)',
  });
  const cut = new UnexpectedResponse({ method: 'GET', path: '/p', expected: 200, got: 200, tooLarge: { bytes: 1_114_112, declared: false, capBytes: 1_048_576 } });
  expect(cut.message).toContain('answered 200 with a body over the cap: reading stopped after 1.1 MiB (1114112 bytes)');
});

test('DbStateMismatch and RedisStateMismatch are database state, naming probe/key, expected and got', () => {
  const d = new DbStateMismatch({ probe: 'audit.register', expected: 'one audit row', got: [], params: { userId: 'u1' } });
  expect(String(d)).toBe('DbStateMismatch: probe audit.register ({"userId":"u1"}) expected one audit row, got no rows');
  expect(d.category).toBe('database state');
  expect(new DbStateMismatch({ probe: 'p', expected: 'tier pro', got: [{ tier: 'free' }] }).message).toContain('got 1 row: [{"tier":"free"}]');
  const r = new RedisStateMismatch({ key: 'blacklist:abc', expected: 'the token blacklisted', got: null });
  expect(String(r)).toBe('RedisStateMismatch: redis key blacklist:abc expected the token blacklisted, got nothing');
  expect(r.category).toBe('database state');
});

test('InfrastructureUnreachable removes credentials from the address and the cause', () => {
  const e = new InfrastructureUnreachable('postgres', 'postgres://app:s3cretpw@db:5432/auth', 'connect ECONNREFUSED via postgres://app:s3cretpw@db:5432');
  expect(e.message).not.toContain('s3cretpw');
  expect(String(e)).toBe('InfrastructureUnreachable: cannot reach postgres at postgres://db:5432/auth: connect ECONNREFUSED via postgres://db:5432');
  expect(e.address).toBe('postgres://db:5432/auth');
  expect(e.category).toBe('infrastructure unreachable');
});

test('BudgetExceeded, AuthBypass and ConfigError', () => {
  expect(String(new BudgetExceeded('quota to drop to 0', 30_000))).toBe('BudgetExceeded: waited 30 s for quota to drop to 0');
  const a = new AuthBypass([{ route: 'POST /api/v1/checkout/sessions', service: 'checkout-orchestration-service', tokenKind: 'none', status: 201 }]);
  expect(a.message).toContain('POST /api/v1/checkout/sessions (checkout-orchestration-service) answered 201 to a none token');
  expect(a.category).toBe('auth bypass');
  const c = new ConfigError(['KONG_URL is required', 'REDIS_URL is required']);
  expect(String(c)).toBe('ConfigError: 2 problems in the target configuration:\n  - KONG_URL is required\n  - REDIS_URL is required');
  expect(c.category).toBe('configuration');
});

test('categoryOf classifies our errors, Playwright timeouts and driver connection errors', () => {
  expect(categoryOf(new DbStateMismatch({ probe: 'p', expected: 'x', got: [] }))).toBe('database state');
  expect(categoryOf({ name: 'AuthBypass' })).toBe('auth bypass');
  expect(categoryOf({ message: 'Test timeout of 30000ms exceeded.' })).toBe('budget exceeded');
  expect(categoryOf({ message: 'connect ECONNREFUSED 127.0.0.1:5432' })).toBe('infrastructure unreachable');
  expect(categoryOf({ message: 'getaddrinfo ENOTFOUND kafka.staging' })).toBe('infrastructure unreachable');
  expect(categoryOf({ name: 'KafkaJSConnectionError', message: 'Connection error' })).toBe('infrastructure unreachable');
  // A poll timeout that quotes its inner error takes the inner error's category…
  expect(categoryOf({ message: 'Error: expect(received).toPass() Timeout 30000ms exceeded while waiting on the predicate\nDbStateMismatch: probe quota.assets expected 0, got 1 row' })).toBe('database state');
  expect(categoryOf({ message: 'expect.poll: Timeout 5000ms exceeded\n\nEventNotObserved: no cert-ix.x' })).toBe('event not observed');
  // … and without one it is the budget.
  expect(categoryOf({ message: 'Error: expect(received).toBe(expected)\n\nTimeout 30000ms exceeded while waiting on the predicate' })).toBe('budget exceeded');
  expect(categoryOf({ message: 'expect(received).toBe(expected)\nExpected: 1\nReceived: 2' })).toBe('assertion failed');
  expect(categoryOf({ message: 'something odd' })).toBe('unknown');
  expect(categoryOf(undefined)).toBe('unknown');
});

test('formatMs and firstLine', () => {
  expect([formatMs(10_000), formatMs(1_500), formatMs(250)]).toEqual(['10 s', '1.5 s', '250 ms']);
  expect(firstLine('\u001b[31m\nError: boom\u001b[39m\nstack')).toBe('Error: boom');
  expect(firstLine(undefined)).toBe('');
});

test('structured failures: typed errors carry probe, expected and observed; other errors are classified from their text', () => {
  const db = structuredFailure('5. Login — POST /api/v1/auth/login', new DbStateMismatch({ probe: 'audit.login', expected: 'one audit row', got: [] }));
  expect(db).toEqual({ step: '5. Login — POST /api/v1/auth/login', category: 'database state', probe: 'audit.login', expected: 'one audit row', observed: 'no rows', error: expect.stringContaining('DbStateMismatch: probe audit.login'), typed: true, errorName: 'DbStateMismatch', details: { probe: 'audit.login' } });
  // the fields criterion 11 decides by: an event's violation and a response's tell apart by their source, not their text
  expect(structuredFailure('s', new ContractViolation({ topic: 'cert-ix.asset.created', problems: ['x'] }))).toMatchObject({ errorName: 'ContractViolation', details: { source: 'event', topic: 'cert-ix.asset.created' } });
  expect(structuredFailure('s', new ContractViolation({ operationId: 'getAsset', status: 200, problems: ['x'] }))).toMatchObject({ details: { source: 'response', operationId: 'getAsset', status: 200 } });
  const http = structuredFailure('s', new UnexpectedResponse({ method: 'POST', path: '/p', expected: 201, got: 500, body: { error: 'boom' } }));
  expect(http).toMatchObject({ category: 'unexpected response', probe: 'POST /p', expected: 'status 201', observed: 'status 500; body: {"error":"boom"}', typed: true });
  expect(structuredFailure('s', new EventNotObserved({ topic: 't.x', match: { id: 'a' }, budgetMs: 1000, sawCount: 0 }))).toMatchObject({ category: 'event not observed', probe: 't.x', observed: 'saw nothing else on that topic' });
  // a Playwright expect error: its matcher result says what it expected and received
  const pw = Object.assign(new Error('expect(received).toBe(expected)\n\nExpected: 200\nReceived: 404'), { matcherResult: { name: 'toBe', expected: 200, actual: 404 } });
  expect(structuredFailure('s', pw)).toMatchObject({ category: 'assertion failed', probe: 'expect().toBe', expected: '200', observed: '404', typed: false });
  const net = structuredFailure('s', new Error('connect ECONNREFUSED 127.0.0.1:9'));
  expect(net).toMatchObject({ category: 'infrastructure unreachable', expected: '(not stated by the error)', typed: false });
  // the attachment round-trips; anything else is not a structured failure
  expect(parseStructuredFailure(JSON.stringify(db))).toEqual(db);
  expect(parseStructuredFailure('{"step":"s","category":"made up","expected":"","observed":""}')).toBeUndefined();
  expect(parseStructuredFailure('not json')).toBeUndefined();
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
