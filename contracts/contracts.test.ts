// Unit tests of the contract loader: routes, topics and validation read from the YAML documents.
import { test, expect } from '@playwright/test';
import { Contracts, contracts, loadContractFile } from './index';
import { p0Label, p0ServiceNames, SEED_P0_SERVICES } from './p0-services';

const c = contracts();

test('every route names a service declared in x-services', () => {
  const names = new Set(c.services.map((s) => s.name));
  for (const r of c.routes) expect(names.has(r.service), `${r.method} ${r.path} → ${r.service}`).toBe(true);
});

test('the compliance matrix §5 paths are in the contract', () => {
  for (const p of ['POST /api/v1/register/individual', 'GET /api/v1/register/verify-email/{token}', 'POST /api/v1/auth/login',
    'GET /api/v1/auth/check-session', 'POST /api/v1/auth/logout', 'GET /api/v1/subscriptions/current', 'POST /api/v1/assets',
    'PATCH /api/v1/assets/{id}', 'POST /api/v1/verification/proofs', 'GET /api/v1/scans/{id}/results', 'GET /api/v1/vulnerabilities',
    'GET /api/v1/plans', 'POST /api/v1/checkout/sessions', 'POST /api/v1/webhooks/stripe', 'GET /api/v1/invoices'])
    expect(c.routes.map((r) => `${r.method} ${r.path}`)).toContain(p);
});

test('public routes are exactly CSRF, captcha, register, verify-email, login, JWKS, plans, webhook and pages', () => {
  const open = c.routes.filter((r) => !r.protected).map((r) => r.operationId).sort();
  expect(open).toEqual(['createCaptchaChallenge', 'dashboardPage', 'getCsrfToken', 'getJwks', 'listPlans', 'login', 'loginPage', 'registerIndividual', 'stripeWebhook', 'verifyEmail'].sort());
});

test('topic patterns resolve concrete names, and scans.events is not mistaken for an engine topic', () => {
  expect(c.topicFor('cert-ix.scans.nuclei.high')?.name).toBe('cert-ix.scans.{engine}.{priority}');
  expect(c.topicFor('cert-ix.scans.events')?.name).toBe('cert-ix.scans.events');
  expect(c.topicFor('cert-ix.unknown')).toBeUndefined();
});

test('payload validation tolerates unknown fields and names missing ones', () => {
  const base = { assetId: 'a1', tenantId: 't1', type: 'domain', value: 'x.example', at: new Date().toISOString() };
  expect(c.validatePayload('cert-ix.asset.created', { ...base, addedLater: true }).ok).toBe(true);
  const bad = c.validatePayload('cert-ix.asset.created', { ...base, tenantId: undefined });
  expect(bad.ok).toBe(false);
  expect(bad.errors.join()).toContain("'tenantId'");
});

test('the schema-version header must be exactly "1.0"', () => {
  expect(c.validateHeaders('cert-ix.asset.created', { 'schema-version': '1.0' }).ok).toBe(true);
  expect(c.validateHeaders('cert-ix.asset.created', { 'schema-version': '2.0' }).ok).toBe(false);
  expect(c.validateHeaders('cert-ix.asset.created', {}).errors.join()).toContain('schema-version');
});

test('the P0 list is compliance matrix §1\'s eleven P0 services, go-tools mapped to scan-engine-worker, each in x-services as P0 with a health path', () => {
  // Written out from compliance matrix §1 (every row with Criticality P0), not read from the contract.
  expect(SEED_P0_SERVICES.map((s) => s.seed).sort()).toEqual(['qr-auth-service', 'otp-service', 'client-dashboard', 'asset-management-service',
    'vulnerability-management-service', 'go-tools', 'scan-api-service', 'payment-processing-service', 'checkout-orchestration-service',
    'email-service', 'subscription-service'].sort());
  expect(SEED_P0_SERVICES.find((s) => s.seed === 'go-tools')?.service).toBe('scan-engine-worker');
  expect(c.service('scan-engine-worker').seed).toBe('go-tools');
  expect(p0Label('scan-engine-worker')).toBe('go-tools (scan-engine-worker)');
  expect(c.p0Services().map((s) => s.name)).toEqual(p0ServiceNames());
  for (const s of c.p0Services()) expect(s.health, s.name).toBe(`/health/${s.name}`);
  // the contract has no P0 service the compliance matrix does not list
  expect(c.services.filter((s) => s.criticality === 'P0').map((s) => s.name).sort()).toEqual(p0ServiceNames().sort());
});

test('a contract without a P0 service of the compliance matrix, or with one below P0, is an error naming it', () => {
  const openapi = loadContractFile('openapi.yaml');
  const without = { ...openapi, 'x-services': Object.fromEntries(Object.entries<any>(openapi['x-services']).filter(([n]) => n !== 'otp-service')) };
  expect(() => new Contracts(without, loadContractFile('asyncapi.yaml'), { validatorCache: false }).p0Services()).toThrow('compliance matrix §1 P0 service "otp-service" (x-services "otp-service") is missing from openapi.yaml x-services');
  const demoted = { ...openapi, 'x-services': { ...openapi['x-services'], 'scan-engine-worker': { ...openapi['x-services']['scan-engine-worker'], criticality: 'P1' } } };
  expect(() => new Contracts(demoted, loadContractFile('asyncapi.yaml'), { validatorCache: false }).p0Services()).toThrow('compliance matrix §1 P0 service "go-tools" is P1 in openapi.yaml x-services, expected P0');
});

test('compliance matrix §6 freezes cert-ix.payment.* and cert-ix.checkout.* whole: a topic no channel names is held to the header and the family envelope', () => {
  expect(c.families.map((f) => f.name)).toEqual(['cert-ix.payment.*', 'cert-ix.checkout.*']);
  const pay = c.familyOf('cert-ix.payment.refunded')!;
  expect(pay.channels).toEqual(['cert-ix.payment.succeeded', 'cert-ix.payment.failed']);
  // the fields both payment channels require
  expect((pay.envelopeSchema as any).required).toEqual(['stripeEventId', 'sessionId', 'tenantId']);
  expect((c.familyOf('cert-ix.checkout.session.expired')!.envelopeSchema as any).required).toEqual(['sessionId', 'tenantId', 'planId']);
  expect(c.familyOf('cert-ix.paymentx.refunded')).toBeUndefined();
  expect(c.familyOf('cert-ix.payment.')).toBeUndefined();
  expect(c.familyOf('cert-ix.subscription.plan.upgraded')).toBeUndefined();

  const refund = { stripeEventId: 'evt_1', sessionId: 'cs_1', tenantId: 'ten_1', refundedAt: new Date().toISOString() };
  expect(c.validatePayload('cert-ix.payment.refunded', refund)).toEqual({ ok: true, errors: [] });
  expect(c.validatePayload('cert-ix.payment.refunded', { ...refund, tenantId: undefined }).errors.join()).toContain("'tenantId'");
  expect(c.validateHeaders('cert-ix.payment.refunded', { 'schema-version': '1.0' }).ok).toBe(true);
  expect(c.validateHeaders('cert-ix.payment.refunded', {}).errors.join()).toContain('schema-version');
  // a named channel keeps its own schema; a topic in no family stays outside the contract
  expect(c.validatePayload('cert-ix.payment.succeeded', refund).ok).toBe(false);
  expect(c.validatePayload('cert-ix.unknown.topic', refund).errors).toEqual(['topic cert-ix.unknown.topic is not in the frozen contract']);
});

test('a frozen family that is not <prefix>.* or holds no channel is a contract error naming it', () => {
  const asyncapi = loadContractFile('asyncapi.yaml');
  const withFamilies = (frozenFamilies: string[]) => new Contracts(loadContractFile('openapi.yaml'), { ...asyncapi, 'x-flowgate': { ...asyncapi['x-flowgate'], frozenFamilies } }, { validatorCache: false });
  expect(() => withFamilies(['cert-ix.refund.*'])).toThrow('frozen family "cert-ix.refund.*" has no channel in asyncapi.yaml');
  expect(() => withFamilies(['cert-ix.payment'])).toThrow('frozen family "cert-ix.payment" must be <prefix>.*');
});
