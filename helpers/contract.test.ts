// Unit tests of the event and response contract checks against the real contracts/ documents.
import { test, expect } from '@playwright/test';
import { contracts } from '../contracts';
import { checkEvent, checkResponse } from './contract';
import { ContractViolation, UnexpectedResponse } from './errors';

const c = contracts();
const asset = { assetId: 'a-1', tenantId: 't-1', type: 'domain', value: 'example.test', at: '2026-01-01T00:00:00.000Z' };
const good = { topic: 'cert-ix.asset.created', partition: 0, offset: '7', headers: { 'schema-version': Buffer.from('1.0') }, value: Buffer.from(JSON.stringify(asset)) };

function violation(fn: () => unknown): ContractViolation {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ContractViolation);
    return e as ContractViolation;
  }
  throw new Error('expected a ContractViolation, nothing was thrown');
}

test('a well-formed event passes and gives its payload; unknown fields are tolerated', () => {
  expect(checkEvent(c, good).payload).toEqual(asset);
  expect(checkEvent(c, { ...good, headers: { 'schema-version': '1.0' }, value: JSON.stringify({ ...asset, addedLater: 1 }) }).payload.addedLater).toBe(1);
  // Pattern topics are governed by their pattern's schema.
  expect(c.topicFor('cert-ix.scans.nuclei.high')).toBeDefined();
});

test('the schema-version header must be present and exactly "1.0"', () => {
  const missing = violation(() => checkEvent(c, { ...good, headers: {} }));
  expect(missing.message).toContain('header schema-version is missing (expected "1.0")');
  expect(missing.message).toContain('cert-ix.asset.created (partition 0, offset 7)');
  expect(violation(() => checkEvent(c, { ...good, headers: { 'schema-version': '1.1' } })).message).toContain('header schema-version is "1.1" (expected "1.0")');
  expect(violation(() => checkEvent(c, { ...good, headers: { 'schema-version': '1' } })).problems).toHaveLength(1);
});

test('the value must be JSON and match the topic schema; every problem is named at once', () => {
  expect(violation(() => checkEvent(c, { ...good, value: 'not json{' })).message).toContain('the value is not JSON');
  expect(violation(() => checkEvent(c, { ...good, value: null })).message).toContain('the value is empty (null)');
  const v = violation(() => checkEvent(c, { ...good, headers: {}, value: JSON.stringify({ ...asset, tenantId: undefined, type: 'car' }) }));
  expect(v.problems.length).toBeGreaterThanOrEqual(3);
  expect(v.message).toContain("'tenantId'");
  expect(v.message).toContain('header schema-version is missing');
  // The offending value is quoted so the reader sees what came.
  expect(v.message).toContain('"type":"car"');
});

test('a topic outside the frozen contract is a violation', () => {
  expect(violation(() => checkEvent(c, { ...good, topic: 'cert-ix.unknown' })).message).toContain('topic cert-ix.unknown is not in the frozen contract');
});

test('checkResponse: expected status with a body that fits passes', () => {
  expect(checkResponse(c, 'logout', 200, { loggedOut: true }).body).toEqual({ loggedOut: true });
  expect(checkResponse(c, 'checkSession', 401, { error: 'unauthorized', message: 'no token' }, { status: 401 }).body).toBeTruthy();
});

test('checkResponse: a different status is an UnexpectedResponse, a body off-schema is a ContractViolation', () => {
  let err: unknown;
  try {
    checkResponse(c, 'logout', 500, 'boom', { traceId: 'tr-9' });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(UnexpectedResponse);
  expect(String(err)).toBe('UnexpectedResponse: POST /api/v1/auth/logout expected 200, got 500 (trace tr-9); body: boom');
  expect(String(violation(() => checkResponse(c, 'logout', 200, { loggedOut: 'yes' })))).toMatch(/^ContractViolation: response of logout with status 200 breaks the frozen contract: \/loggedOut must be boolean/);
  expect(violation(() => checkResponse(c, 'logout', 418, {}, { status: 418 })).message).toContain('status 418 is not in the contract of logout');
});

test('checkResponse: a JSON status answered with another content type is a ContractViolation naming it', () => {
  let err: any;
  try {
    checkResponse(c, 'logout', 200, '<html>', { contentType: 'text/html; charset=utf-8' });
  } catch (e) {
    err = e;
  }
  expect(String(err)).toMatch(/^ContractViolation: response of logout with status 200 breaks the frozen contract: content-type is "text\/html; charset=utf-8", the contract documents application\/json/);
  expect(checkResponse(c, 'logout', 200, { loggedOut: true }, { contentType: 'application/json; charset=utf-8' }).body).toEqual({ loggedOut: true });
});
