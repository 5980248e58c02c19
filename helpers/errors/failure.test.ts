// Unit tests of the structured failure: typed errors carry their fields, other errors are classified, attachments round-trip.
import { test, expect } from '@playwright/test';
import { ContractViolation, InfrastructureUnreachable, DbStateMismatch, EventNotObserved, UnexpectedResponse, parseStructuredFailure, structuredFailure } from '.';

test('structured failures: typed errors carry probe, expected and observed; other errors are classified from their text', () => {
  const db = structuredFailure('5. Login — POST /api/v1/auth/login', new DbStateMismatch({ probe: 'audit.login', expected: 'one audit row', got: [] }));
  expect(db).toEqual({ step: '5. Login — POST /api/v1/auth/login', category: 'database state', probe: 'audit.login', expected: 'one audit row', observed: 'no rows', error: expect.stringContaining('DbStateMismatch: probe audit.login'), typed: true, errorName: 'DbStateMismatch', unreachable: false, details: { probe: 'audit.login', rows: 0 } });
  const http = structuredFailure('s', new UnexpectedResponse({ method: 'POST', path: '/p', expected: 201, got: 500, body: { error: 'boom' } }));
  expect(http).toMatchObject({ category: 'unexpected response', probe: 'POST /p', expected: 'status 201', observed: 'status 500; body: {"error":"boom"}', typed: true });
  expect(structuredFailure('s', new EventNotObserved({ topic: 't.x', match: { id: 'a' }, budgetMs: 1000, sawCount: 0 }))).toMatchObject({ category: 'event not observed', probe: 't.x', observed: 'saw nothing else on that topic' });
  // a Playwright expect error: its matcher result says what it expected and received
  const pw = Object.assign(new Error('expect(received).toBe(expected)\n\nExpected: 200\nReceived: 404'), { matcherResult: { name: 'toBe', expected: 200, actual: 404 } });
  expect(structuredFailure('s', pw)).toMatchObject({ category: 'assertion failed', probe: 'expect().toBe', expected: '200', observed: '404', typed: false });
  const net = structuredFailure('s', new Error('connect ECONNREFUSED 127.0.0.1:9'));
  expect(net).toMatchObject({ category: 'infrastructure unreachable', expected: '(not stated by the error)', typed: false, errorName: 'Error', unreachable: true, details: {} });
  // the attachment round-trips; anything else is not a structured failure
  expect(parseStructuredFailure(JSON.stringify(db))).toEqual(db);
  expect(parseStructuredFailure('{"step":"s","category":"made up","expected":"","observed":""}')).toBeUndefined();
  expect(parseStructuredFailure('not json')).toBeUndefined();
});

test('structured failures carry what the verdict decides by: the class, its source and topic, the probe, unreachable', () => {
  const onWire = structuredFailure('C. events', new ContractViolation({ topic: 'cert-ix.asset.updated', partition: 0, offset: 7, value: { secret: 'x' }, problems: ['/at is required'] }));
  expect(onWire).toMatchObject({ errorName: 'ContractViolation', category: 'contract violation', unreachable: false, details: { source: 'event', topic: 'cert-ix.asset.updated', partition: 0, offset: '7', problems: ['/at is required'] } });
  expect(JSON.stringify(onWire.details)).not.toContain('secret');
  const response = structuredFailure('3. Read', new ContractViolation({ operationId: 'getAsset', status: 200, body: {}, problems: ['/updatedAt must be string'] }));
  expect(response.details).toEqual({ source: 'response', operationId: 'getAsset', status: 200, problems: ['/updatedAt must be string'] });
  expect(structuredFailure('s', new InfrastructureUnreachable('kafka', 'b:9093', 'ECONNREFUSED'))).toMatchObject({ errorName: 'InfrastructureUnreachable', unreachable: true, details: { component: 'kafka', address: 'b:9093' } });
  // a poll's timeout quoting our error is classified as it, and named by it
  expect(structuredFailure('s', new Error('expect.poll: Timeout 5000ms exceeded\n\nEventNotObserved: no cert-ix.x'))).toMatchObject({ errorName: 'EventNotObserved', category: 'event not observed', typed: false, details: {} });
  // an attachment written before these fields existed reads back with their defaults
  const old = parseStructuredFailure(JSON.stringify({ step: 's', category: 'infrastructure unreachable', probe: 'p', expected: 'e', observed: 'o', error: 'x', typed: true }));
  expect(old).toMatchObject({ errorName: 'Error', unreachable: true, details: {} });
});
