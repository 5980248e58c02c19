// Unit tests of the evidence convention: attachments round-trip, malformed ones are rejected.
import { test, expect } from '@playwright/test';
import { BYPASS_FINDING_ATTACHMENT, bypassFindingAttachment, TOKEN_KINDS, EVIDENCE_ATTACHMENT, EVIDENCE_CONTENT_TYPE, evidenceAttachment, parseBypassFinding, parseEvidence } from './evidence';

test('an evidence attachment round-trips through the reporter-side parser', () => {
  const e = { kind: 'event' as const, step: '3. Register — POST /api/v1/register/individual', summary: 'cert-ix.auth.user.registered.success for u-1', name: 'cert-ix.auth.user.registered.success', data: { userId: 'u-1' } };
  const a = evidenceAttachment(e);
  expect(a.name).toBe(EVIDENCE_ATTACHMENT);
  expect(a.contentType).toBe(EVIDENCE_CONTENT_TYPE);
  expect(parseEvidence(Buffer.from(a.body))).toEqual(e);
  expect(parseEvidence(a.body)).toEqual(e);
});

test('malformed evidence is refused on both sides', () => {
  expect(() => evidenceAttachment({ kind: 'gossip' as any, step: 's', summary: 'x' })).toThrow(/kind must be one of/);
  expect(parseEvidence('not json')).toBeUndefined();
  expect(parseEvidence(JSON.stringify({ kind: 'row', summary: 'no step' }))).toBeUndefined();
  expect(parseEvidence(JSON.stringify({ kind: 'nope', step: 's', summary: 'x' }))).toBeUndefined();
  expect(parseEvidence(undefined)).toBeUndefined();
});

test('a bypass finding round-trips; a bad token kind is refused', () => {
  const f = { route: 'POST /api/v1/checkout/sessions', service: 'checkout-orchestration-service', tokenKind: 'none' as const, status: 201 };
  const a = bypassFindingAttachment(f);
  expect(a.name).toBe(BYPASS_FINDING_ATTACHMENT);
  expect(parseBypassFinding(a.body)).toEqual(f);
  expect(() => bypassFindingAttachment({ ...f, tokenKind: 'stolen' as any })).toThrow(/tokenKind/);
  expect(parseBypassFinding(JSON.stringify({ ...f, status: '201' }))).toBeUndefined();
});

test('the new token kinds and cross-tenant findings round-trip; cross-tenant is a finding kind, not a bad token', () => {
  expect(TOKEN_KINDS).toEqual(expect.arrayContaining(['alg-none', 'alg-confusion']));
  expect(TOKEN_KINDS).not.toContain('cross-tenant');
  for (const tokenKind of ['alg-none', 'alg-confusion', 'cross-tenant'] as const) {
    const f = { route: 'GET /api/v1/assets/{id}', service: 'asset-management-service', tokenKind, status: 200 };
    expect(parseBypassFinding(bypassFindingAttachment(f).body)).toEqual(f);
  }
});
