// Unit tests of the service models' pure parts: audit hash chain, plan catalogue, findings, tokens, and the app shell's fault hooks.
import { test, expect } from '@playwright/test';
import { SignJWT } from 'jose';
import type { FastifyRequest } from 'fastify';
import { contracts } from '../../contracts';
import { Faults } from '../faults';
import type { ServiceContext, ServiceModule } from '../types';
import { auditHash, canonicalJson, GENESIS_HASH, verifyChain } from './common/audit-chain';
import { PLANS, planById, purchasablePlan } from './common/plans';
import { authenticate, issueToken, unsafeFallbackUser, JWT_AUDIENCE, JWT_ISSUER } from './common/auth';
import { bindRoutes, buildServiceApp } from './common/app';
import { findingsFor } from './scan-engine-worker';
import { hashPassword, verifyPassword } from './qr-auth-service';
import { SERVICES } from './index';
import plansService from './plans-service';
import clientDashboard from './client-dashboard';

const c = contracts();

/** A context for modules that touch no database, Redis or Kafka: any such use fails the test loudly. */
function offlineCtx(name: string, faults = new Faults(), log: (m: string) => void = () => {}): ServiceContext {
  const refuse = new Proxy({}, { get: (_t, p) => () => { throw new Error(`${name} used ${String(p)} in an offline unit test`); } });
  return { name, contracts: c, redis: refuse as any, bus: refuse as any, faults, secrets: { jwtSecret: 'k'.repeat(32), stripeWebhookSecret: 'whsec_x', captchaTestKey: 't', csrfEncryptionKey: 'c'.repeat(32) }, log };
}

test.describe('audit hash chain', () => {
  const row = (action: string, i: number) => ({ occurred_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), action, user_id: 'usr_1', tenant_id: 'ten_1', trace_id: `t${i}`, details: { b: 1, a: [2, { d: 3, c: 4 }] } });

  test('canonical JSON sorts keys at every level and is stable', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  test('each hash is SHA-384 over the previous hash and the row; the chain verifies and any edit breaks it', () => {
    const rows: any[] = [];
    let prev = GENESIS_HASH;
    for (const [i, a] of ['register', 'login', 'logout'].entries()) {
      const content = row(a, i);
      const hash = auditHash(prev, content);
      expect(hash).toMatch(/^[0-9a-f]{96}$/);
      rows.push({ ...content, prev_hash: prev, hash });
      prev = hash;
    }
    expect(verifyChain(rows)).toBe(-1);
    expect(verifyChain(rows.map((r, i) => (i === 1 ? { ...r, trace_id: 'forged' } : r)))).toBe(1);
    expect(verifyChain([rows[0], rows[2]])).toBe(1);
  });
});

test.describe('plan catalogue', () => {
  test('free, pro and business with the tiers, prices and asset limits both services rely on', () => {
    expect(PLANS.map((p) => [p.id, p.tier, p.amount, p.currency, p.limits.assets])).toEqual([
      ['free', 'free', 0, 'eur', 10],
      ['pro', 'pro', 4900, 'eur', 100],
      ['business', 'business', 19900, 'eur', 1000],
    ]);
  });
  test('checkout may sell only known paid plans', () => {
    expect(purchasablePlan('pro')?.amount).toBe(4900);
    expect(purchasablePlan('free')).toBeUndefined();
    expect(purchasablePlan('platinum')).toBeUndefined();
    expect(planById(42)).toBeUndefined();
  });
});

test('the engine worker reports the same two findings for the same target, one high with a CVE', () => {
  const a = findingsFor('example.test', 'nuclei');
  expect(findingsFor('example.test', 'nuclei')).toEqual(a);
  expect(findingsFor('other.test', 'nuclei')[0].findingId).not.toBe(a[0].findingId);
  expect(a.map((f) => f.severity)).toEqual(['medium', 'high']);
  expect(a[1].cve).toMatch(/^CVE-\d{4}-\d+$/);
});

test('passwords are scrypt-hashed with a salt and verify only with the right password', async () => {
  const h1 = await hashPassword('correct horse battery');
  expect(h1).toMatch(/^scrypt\$/);
  expect(await hashPassword('correct horse battery')).not.toBe(h1);
  expect(await verifyPassword('correct horse battery', h1)).toBe(true);
  expect(await verifyPassword('wrong horse battery', h1)).toBe(false);
});

test.describe('tokens', () => {
  const secret = 's'.repeat(40);
  const req = (token?: string, headers: Record<string, string> = {}) => ({ headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } }) as unknown as FastifyRequest;
  const ctx = { secrets: { jwtSecret: secret } as any, redis: undefined as any };

  test('issued tokens carry the contract claims for one hour', async () => {
    const { token, jti, exp } = await issueToken(secret, { userId: 'usr_1', tenantId: 'ten_1', email: 'a@b.test' });
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'usr_1', tid: 'ten_1', email: 'a@b.test', jti, exp, iss: JWT_ISSUER, aud: JWT_AUDIENCE });
    expect(claims.exp - claims.iat).toBe(3600);
  });

  test('missing, malformed, wrong-key and expired tokens are refused before any blacklist lookup', async () => {
    const wrongKey = (await issueToken('w'.repeat(40), { userId: 'u', tenantId: 't', email: '' })).token;
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = await new SignJWT({ tid: 't' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setJti('j').setIssuedAt(past).setExpirationTime(past + 3600)
      .setIssuer(JWT_ISSUER).setAudience(JWT_AUDIENCE).sign(new TextEncoder().encode(secret));
    const claims = `${Buffer.from(JSON.stringify({ sub: 'u', tid: 't', jti: 'j', exp: past + 9000, iss: JWT_ISSUER, aud: JWT_AUDIENCE })).toString('base64url')}`;
    const algNone = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${claims}.`;
    for (const [what, token] of [['missing', undefined], ['malformed', 'not.a.jwt'], ['wrong key', wrongKey], ['expired', expired], ['alg none', algNone]] as const)
      await expect(authenticate(ctx, req(token)), what).rejects.toMatchObject({ statusCode: 401 });
  });

  test('the unsafe fallback (P0-01/P0-03) takes the unverified tenant, else x-tenant-id, else a shared one', async () => {
    const forged = (await issueToken('w'.repeat(40), { userId: 'usr_x', tenantId: 'ten_victim', email: '' })).token;
    expect(unsafeFallbackUser(req(forged)).tenantId).toBe('ten_victim');
    expect(unsafeFallbackUser(req('garbage', { 'x-tenant-id': 'ten_hdr' })).tenantId).toBe('ten_hdr');
    expect(unsafeFallbackUser(req()).tenantId).toBe('tenant-fallback');
  });
});

test.describe('service app shell', () => {
  test('there is one module per x-services entry, and each binds exactly its contract routes', () => {
    expect(SERVICES.map((s) => s.name).sort()).toEqual(c.services.map((s) => s.name).sort());
  });

  test('a contract route without a handler stops the service at start', async () => {
    const mod: ServiceModule = { name: 'plans-service', register: async (app, ctx) => bindRoutes(app, ctx, {}) };
    await expect(buildServiceApp(mod, offlineCtx('plans-service'))).rejects.toThrow(/listPlans/);
  });

  test('health, trace id echo and the error shape', async () => {
    const app = await buildServiceApp(plansService, offlineCtx('plans-service'));
    expect((await app.inject({ url: '/health/plans-service' })).json()).toEqual({ status: 'ok', service: 'plans-service' });
    expect((await app.inject({ url: '/health' })).json()).toEqual({ status: 'ok', service: 'plans-service' });
    const traced = await app.inject({ url: '/api/v1/plans', headers: { 'x-request-id': 'trace-123' } });
    expect(traced.headers['x-request-id']).toBe('trace-123');
    const made = await app.inject({ url: '/api/v1/plans' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await app.inject({ url: '/api/v1/nope', headers: { 'x-request-id': 'trace-9' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'not_found', traceId: 'trace-9' });
    await app.close();
  });

  test('payment-plans-empty empties the catalogue only while it is on', async () => {
    const faults = new Faults();
    const app = await buildServiceApp(plansService, offlineCtx('plans-service', faults));
    expect((await app.inject({ url: '/api/v1/plans' })).json().plans).toHaveLength(3);
    faults.set(['payment-plans-empty']);
    expect((await app.inject({ url: '/api/v1/plans' })).json()).toEqual({ plans: [] });
    faults.set([]);
    expect((await app.inject({ url: '/api/v1/plans' })).json().plans).toHaveLength(3);
    await app.close();
  });

  test('latency:<operationId> holds that route, not others, and a close releases a held request', async () => {
    const faults = new Faults(['latency:listPlans=400']);
    const lines: string[] = [];
    const app = await buildServiceApp(plansService, offlineCtx('plans-service', faults, (m) => lines.push(m)));
    let t = Date.now();
    expect((await app.inject({ url: '/api/v1/plans' })).statusCode).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(390);
    t = Date.now();
    await app.inject({ url: '/health' });
    expect(Date.now() - t).toBeLessThan(300);
    faults.set(['latency:listPlans=60000']);
    const held = app.inject({ url: '/api/v1/plans' });
    // close only once the request is really being held
    await expect.poll(() => lines.filter((l) => l.includes('holding listPlans for 60000 ms')).length, { timeout: 5_000 }).toBe(1);
    t = Date.now();
    await app.close();
    expect((await held).statusCode).toBe(200);
    expect(Date.now() - t).toBeLessThan(5_000);
  });

  test('the dashboard redirects a rejected token to /login, unless auth-dashboard-stale-session keeps the cached profile', async () => {
    const faults = new Faults();
    const app = await buildServiceApp(clientDashboard, offlineCtx('client-dashboard', faults));
    const healthy = (await app.inject({ url: '/dashboard' })).body;
    expect(healthy).toContain('data-testid="user-email"');
    expect(healthy).toContain('data-testid="subscription-tier"');
    expect(healthy).toContain("location.replace('/login')");
    expect(healthy).not.toContain('cached.email');
    faults.set(['auth-dashboard-stale-session']);
    expect((await app.inject({ url: '/dashboard' })).body).toContain('cached.email');
    const login = await app.inject({ url: '/login' });
    expect(login.headers['content-type']).toContain('text/html');
    expect(login.body).toContain('<h1>Sign in</h1>');
    expect(login.body).toContain('<form');
    await app.close();
  });

  test('the login page signs in through the auth API and keeps the session where the dashboard reads it, unless dashboard-login-page-broken', async () => {
    const faults = new Faults();
    const app = await buildServiceApp(clientDashboard, offlineCtx('client-dashboard', faults));
    const healthy = (await app.inject({ url: '/login' })).body;
    expect(healthy).toContain('<input type="password" name="password"');
    expect(healthy).toContain('"/api/v1/auth/csrf-token"');
    expect(healthy).toContain('"/api/v1/auth/login"');
    expect(healthy).toContain('"x-csrf-token"');
    expect(healthy).toContain("sessionStorage.setItem(TOKEN_KEY, session.accessToken)");
    expect(healthy).not.toContain('onsubmit="return false"');
    faults.set(['dashboard-login-page-broken']);
    const broken = (await app.inject({ url: '/login' })).body;
    expect(broken).toContain('onsubmit="return false"');
    expect(broken).not.toContain('<script>');
    expect(broken).toContain('<input type="password" name="password"');
    await app.close();
  });
});
