// Unit tests of the contract loader: routes, topics and validation read from the YAML documents.
import { test, expect } from '@playwright/test';
import { contracts } from './index';

const c = contracts();

test('every route names a service declared in x-services', () => {
  const names = new Set(c.services.map((s) => s.name));
  for (const r of c.routes) expect(names.has(r.service), `${r.method} ${r.path} → ${r.service}`).toBe(true);
});

test('the seed §5 paths are in the contract', () => {
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
