// Auth-bypass probes (No-Go trigger): every protected route of every P0 service with each kind of bad token, and one tenant's data through another tenant's token.
import { decodeJwt } from 'jose';
import { expect } from '@playwright/test';
import { test, login, registerAndVerify, type Identity } from '../fixtures';
import { polling } from '../helpers/poll';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import { AuthBypass, InfrastructureUnreachable, ProbeServerError, type ProbeServerErrorFinding } from '../helpers/errors';
import { bypassFindingAttachment, TOKEN_KINDS, type BypassFinding, type TokenKind } from '../helpers/verdict/evidence';
import { algConfusionApplies, algOf, hs256, isAsymmetric, kidOf, publicKeyFromJwks, reclaim, unsignedToken } from '../helpers/tokens';
import { checkoutCompletedEvent, signStripeWebhook } from '../helpers/stripe';
import { controlKey, probeCall } from '../clients/auth-probes';
import { contracts } from '../contracts';
import { BYPASS, flowTag } from '../contracts/flows';
import { gapTag } from '../contracts/p0-gaps';
import { BOLA_TAG } from '../helpers/verdict/catalogue';
import { triggerTag } from '../helpers/verdict/triggers';

const P0 = contracts().services.filter((s) => s.criticality === 'P0').map((s) => s.name);
const protectedRoutesOf = (service: string) => contracts().routesOf(service).filter((r) => r.protected);
/** Token kinds that carry no credential (made up, a random key, unsigned, the public key): the secret ledger skips them. */
const FORGED_KINDS: ReadonlySet<TokenKind> = new Set(['malformed', 'wrong-key', 'alg-none', 'alg-confusion']);
/** The P0 gaps whose JWT middleware these probes check. */
const GAPS: Record<string, string> = { 'asset-management-service': gapTag('P0-01'), 'checkout-orchestration-service': gapTag('P0-03') };
const TAGS = [flowTag(BYPASS), triggerTag('auth-bypass')];
// Each probe test has its own account and resources: they spread over the gate's workers instead of queueing in one.
test.describe.configure({ mode: 'parallel' });

/** A body each route accepts, so that a bypass is not hidden behind a 400 for a bad body. */
function sampleBody(operationId: string, ids: Record<string, string>): unknown {
  switch (operationId) {
    case 'createAsset': return { name: 'flowgate bypass probe', type: 'domain', value: 'bypass-probe.flowgate.test' };
    case 'updateAsset': return { name: 'flowgate bypass probe (renamed)' };
    case 'startScan': return { assetId: ids.assetId, target: 'bypass-probe.flowgate.test', engine: contracts().scanEngines[0] ?? 'nuclei' };
    case 'createCheckoutSession': return { planId: ids.planId };
    case 'createOwnershipProof': return { assetId: ids.assetId, method: 'dns-txt' };
    default: return undefined;
  }
}

/** Path parameters: the test's own resources, so a bypass answers 2xx rather than 404. */
function pathParams(path: string, ids: Record<string, string>): Record<string, string> {
  if (path.startsWith('/api/v1/assets/')) return { id: ids.assetId };
  if (path.startsWith('/api/v1/scans/')) return { id: ids.scanId };
  if (path.startsWith('/api/v1/checkout/sessions/')) return { id: ids.sessionId };
  return {};
}

async function attachFinding(testInfo: { attach: (name: string, o: { body: string; contentType: string }) => Promise<void> }, f: BypassFinding) {
  const a = bypassFindingAttachment(f);
  await testInfo.attach(a.name, { body: a.body, contentType: a.contentType });
}

for (const service of P0) {
  const routes = protectedRoutesOf(service);
  if (routes.length === 0) continue;
  test(`${service}: protected routes refuse bad tokens`, { tag: [...TAGS, ...(GAPS[service] ? [GAPS[service]] : [])] }, async ({ flow, api, account, target, contract, cleanup }, testInfo) => {
    const ids: Record<string, string> = {};
    const tokens = {} as Record<TokenKind, string | undefined>;
    /** token kinds not sent to this target, with the reason (recorded in the evidence) */
    const notProbed: Record<string, string> = {};

    await flow.step('S', 'Set up a user, its resources and bad tokens', 'POST /api/v1/auth/login', async () => {
      const { token } = await login(api, contract, account);
      ids.assetId = (await api.call('createAsset', { token, body: sampleBody('createAsset', ids), expect: 201 })).body.id;
      cleanup.created('assetId', ids.assetId);
      ids.scanId = (await api.call('startScan', { token, body: sampleBody('startScan', ids), expect: 202 })).body.scanId;
      cleanup.created('scanId', ids.scanId);
      const plans = (await api.call('listPlans', { expect: 200 })).body.plans;
      ids.planId = plans.find((p: any) => p.amount > 0)?.id ?? 'pro';
      ids.sessionId = (await api.call('createCheckoutSession', { token, body: { planId: ids.planId }, expect: 201 })).body.sessionId;
      cleanup.created('sessionId', ids.sessionId);
      // Positive control on this service, not only on listAssets: its own cheap protected GET accepts the login's token and
      // the same claims signed with JWT_TEST_SIGNING_KEY, so its refusals below are for the token's fault alone.
      const control = routes.find((r) => r.method === 'GET');
      if (control) await controlKey(api, token, target.jwtTestSigningKey, control.operationId, pathParams(control.path, ids));
      else await controlKey(api, token, target.jwtTestSigningKey);
      const now = Math.floor(Date.now() / 1000);
      // Every forged token carries the claims of this real login: only its signature (or lifetime) is wrong.
      tokens.none = undefined;
      tokens.malformed = 'not-a-jwt.flowgate.probe';
      tokens['wrong-key'] = await hs256(reclaim(token, now, now + 600), `flowgate-wrong-key-${now}`);
      // Preflight showed this key signs tokens the target accepts, so a refusal here is for the expiry alone.
      tokens.expired = await hs256(reclaim(token, now - 7200, now - 3600), target.jwtTestSigningKey);
      const second = await login(api, contract, account);
      await api.call('logout', { token: second.token, expect: 200 });
      tokens['logged-out'] = second.token;
      tokens['alg-none'] = unsignedToken(reclaim(token, now, now + 600));
      const alg = algOf(token);
      // The verification key: FLOWGATE_JWT_PUBLIC_KEY_FILE, else (an asymmetric target only) the target's own JWKS by the token's kid.
      let publicKey = target.jwtPublicKeyFile ? readFileSync(target.jwtPublicKeyFile, 'utf8') : undefined;
      let jwksWhy: string | undefined;
      if (!publicKey && isAsymmetric(alg)) {
        const jwksRoute = contract.routes.find((r) => r.operationId === 'getJwks');
        const fromJwks = jwksRoute ? publicKeyFromJwks((await api.call('getJwks', { expect: 200 })).body, kidOf(token)) : { why: 'the contract has no getJwks route' };
        if ('pem' in fromJwks) publicKey = fromJwks.pem;
        else jwksWhy = fromJwks.why;
      }
      const confusion = algConfusionApplies(alg, publicKey, jwksWhy);
      if (confusion.applies) tokens['alg-confusion'] = await hs256(reclaim(token, now, now + 600), publicKey!);
      else notProbed['alg-confusion'] = confusion.why;
      await flow.evidence({ kind: 'probe', summary: `target signs ${alg ?? 'unknown'}; token kinds: ${TOKEN_KINDS.filter((k) => !notProbed[k]).join(', ')}${Object.keys(notProbed).length ? `; not probed: ${Object.entries(notProbed).map(([k, why]) => `${k} (${why})`).join('; ')}` : ''}`, data: { alg, claims: Object.keys(decodeJwt(token)), notProbed } });
    });

    const kinds = TOKEN_KINDS.filter((k) => !notProbed[k]);
    const findings: BypassFinding[] = [];
    const serverErrors: ProbeServerErrorFinding[] = [];
    const refusals: string[] = [];
    // Mutating probes last, so a bypassing DELETE cannot hide what the reads would show.
    const ordered = [...routes].sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    for (const route of ordered) {
      await flow.step('P', `Probe ${route.operationId}`, `${route.method} ${route.path}`, async () => {
        for (const kind of kinds) {
          const res = await probeCall(api, route.operationId, { token: tokens[kind], forgedToken: FORGED_KINDS.has(kind), params: pathParams(route.path, ids), body: sampleBody(route.operationId, ids) });
          const where = { route: `${route.method} ${route.path}`, service, tokenKind: kind, status: res.status };
          if (res.status >= 200 && res.status < 300) {
            findings.push(where);
            await attachFinding(testInfo, where);
          } else if (res.status >= 500) {
            // Nothing was served, but the route errors instead of refusing: the JWT check is not what answered.
            serverErrors.push(where);
          } else if (res.status !== 401) {
            // Not a bypass (nothing was served), but worth a look: a protected route should say 401 before anything else.
            refusals.push(`${route.method} ${route.path} answered ${res.status} to a ${kind} token`);
          }
        }
      });
    }

    await flow.step('F', 'No protected route serves a bad token', `${routes.length} routes × ${kinds.length} token kinds`, async () => {
      await flow.evidence({ kind: 'probe', summary: `${routes.length} routes × ${kinds.length} token kinds: ${findings.length} bypass(es), ${serverErrors.length} server error(s), ${refusals.length} non-401 refusal(s)`, data: { service, routes: routes.map((r) => `${r.method} ${r.path}`), kinds, notProbed, findings, serverErrors, refusals } });
      if (findings.length) throw new AuthBypass(findings);
      if (serverErrors.length) throw new ProbeServerError(serverErrors);
    });
  });
}

/** A second identity for the same test: its own mailbox and password, tagged like the first. */
function otherIdentity(identity: Identity): Identity {
  const tag = randomBytes(3).toString('hex');
  return { ...identity, email: identity.email.replace('@', `-other${tag}@`), password: `Fg!${randomBytes(12).toString('base64url')}`, lastName: `${identity.lastName}-other` };
}

// OWASP API #1 (BOLA): a second tenant's valid token on the first tenant's resources must be refused (403/404), and
// its lists must not show them. The stack's services look every resource up by id *and* the caller's tenant.
test('cross-tenant access is refused', { tag: [...TAGS, BOLA_TAG] }, async ({ flow, api, account, identity, db, observer, cleanup, target, contract }, testInfo) => {
  const a: Record<string, string> = {};
  let ownerToken = '';
  let otherToken = '';

  await flow.step('S', "Set up the first tenant's asset, scan, checkout session, payment and invoice", 'POST /api/v1/webhooks/stripe', async () => {
    ({ token: ownerToken } = await login(api, contract, account));
    a.tenantId = account.tenantId;
    a.assetId = (await api.call('createAsset', { token: ownerToken, body: sampleBody('createAsset', a), expect: 201 })).body.id;
    cleanup.created('assetId', a.assetId);
    a.scanId = (await api.call('startScan', { token: ownerToken, body: sampleBody('startScan', a), expect: 202 })).body.scanId;
    cleanup.created('scanId', a.scanId);
    const plan = (await api.call('listPlans', { expect: 200 })).body.plans.find((p: any) => p.amount > 0);
    const session = (await api.call('createCheckoutSession', { token: ownerToken, body: { planId: plan.id }, expect: 201 })).body;
    a.sessionId = session.sessionId;
    cleanup.created('sessionId', a.sessionId);
    // The invoice comes from a paid checkout: the payment flow's own webhook, signed with the target's secret.
    const payload = JSON.stringify(checkoutCompletedEvent({ sessionId: a.sessionId, tenantId: a.tenantId, userId: account.userId, planId: plan.id, amount: session.amount, currency: session.currency }));
    await api.call('stripeWebhook', { rawBody: payload, headers: { [contract.headers.stripeSignature]: signStripeWebhook(payload, target.stripeWebhookSecret) }, expect: 200 });
    a.paymentId = (await observer.waitFor('cert-ix.payment.succeeded', { sessionId: a.sessionId, tenantId: a.tenantId })).paymentId;
    cleanup.created('paymentId', a.paymentId);
    const [invoice] = await db.expectRows('invoice.byPayment', { paymentId: a.paymentId }, undefined, 'the invoice of the payment', target.budgets.eventMs);
    a.invoiceId = invoice.id ?? invoice.invoice_id ?? '';
    // Positive control: the owner reads each of them, so a refusal below is about the tenant, not a missing resource.
    for (const [op, id] of [['getAsset', a.assetId], ['getScan', a.scanId], ['getScanResults', a.scanId], ['getCheckoutSession', a.sessionId]] as const)
      await api.call(op, { token: ownerToken, params: { id }, expect: 200 });
  });

  await flow.step('S', 'Set up a second tenant: its own registered, verified account', 'POST /api/v1/register/individual', async () => {
    const other = await registerAndVerify(api, db, otherIdentity(identity), target, contract, cleanup);
    if (other.tenantId === a.tenantId) throw new Error(`the second account got the first one's tenant ${a.tenantId}: the probe needs two tenants`);
    ({ token: otherToken } = await login(api, contract, other));
  });

  const findings: BypassFinding[] = [];
  const serverErrors: ProbeServerErrorFinding[] = [];
  const seen: string[] = [];
  const notes: string[] = [];
  /** The first tenant's ids: any of them in the second tenant's answer is the first tenant's data. */
  const leaks = (body: unknown) => Object.entries(a).filter(([, v]) => v && JSON.stringify(body ?? '').includes(v)).map(([k]) => k);
  const judge = async (operationId: string, res: { status: number; body: unknown; undocumented?: string }, byId: boolean) => {
    const r = contract.route(operationId);
    const route = `${r.method} ${r.path}`;
    const leaked = leaks(res.body);
    seen.push(`${route} → ${res.status}${leaked.length ? ` (carries the first tenant's ${leaked.join(', ')})` : ''}`);
    if (res.undocumented && res.status < 500) notes.push(`${route} refused with ${res.status}, which its contract does not document`);
    const where = { route, service: r.service, tokenKind: 'cross-tenant' as const, status: res.status };
    // By id, any 2xx served or changed the first tenant's resource; a list leaks only when it shows their data.
    if (res.status >= 200 && res.status < 300 && (byId || leaked.length)) {
      findings.push(where);
      await attachFinding(testInfo, where);
    } else if (res.status >= 500) serverErrors.push(where);
  };

  const byId: [string, string, unknown?][] = [
    ['getAsset', a.assetId], ['updateAsset', a.assetId, sampleBody('updateAsset', a)],
    ['getScan', a.scanId], ['getScanResults', a.scanId],
    ['getCheckoutSession', a.sessionId],
  ];
  for (const [op, id, body] of byId) {
    await flow.step('P', `Another tenant on ${op}`, api.describe(op), async () => {
      await judge(op, await probeCall(api, op, { token: otherToken, params: { id }, body }), true);
    });
  }
  // Acting on the first tenant's asset (a scan, an ownership proof) and reading by id with a tenant header naming it: any
  // 2xx is a finding. Independent requests, so side by side (the auth-bypass project is the warm gate's critical path).
  await flow.step('P', "Another tenant acts on the first tenant's asset, and names its tenant in a header", `${api.describe('startScan')}, ${api.describe('createOwnershipProof')}, x-tenant-id`, async () => {
    const tenantHeader = { 'x-tenant-id': a.tenantId };
    const probes: [string, Promise<Awaited<ReturnType<typeof probeCall>>>][] = [
      ['startScan', probeCall(api, 'startScan', { token: otherToken, body: sampleBody('startScan', a) })],
      ['createOwnershipProof', probeCall(api, 'createOwnershipProof', { token: otherToken, body: sampleBody('createOwnershipProof', a) })],
      ['getAsset', probeCall(api, 'getAsset', { token: otherToken, params: { id: a.assetId }, headers: tenantHeader })],
      ['getScan', probeCall(api, 'getScan', { token: otherToken, params: { id: a.scanId }, headers: tenantHeader })],
    ];
    for (const [op, answer] of probes) {
      const res = await answer;
      // a scan the other tenant started is cleaned up like any the run made
      if (op === 'startScan' && res.status === 202 && typeof (res.body as any)?.scanId === 'string') cleanup.created('scanId', (res.body as any).scanId);
      await judge(op, res, true);
    }
  });
  // The first tenant's vulnerabilities, listed by its scan's id: the owner sees them first (positive control), so an empty
  // list to the other tenant is a refusal, not a scan that had found nothing yet.
  await flow.step('P', "Another tenant lists the vulnerabilities of the first tenant's scan", `${api.describe('listVulnerabilities')}?scanId=`, async () => {
    let own: any[] = [];
    await expect.poll(async () => (own = (await api.call('listVulnerabilities', { token: ownerToken, query: { scanId: a.scanId }, expect: 200 })).body.items).length,
      polling({ timeout: target.budgets.scanMs, message: `the owner's vulnerabilities of scan ${a.scanId} (the positive control of the cross-tenant list)` })).toBeGreaterThan(0);
    a.vulnerabilityId = own[0].id;
    await judge('listVulnerabilities', await probeCall(api, 'listVulnerabilities', { token: otherToken, query: { scanId: a.scanId } }), false);
  });
  // Lists are scoped by the caller's token; a tenant header naming the first tenant must not widen them.
  for (const op of ['listAssets', 'listInvoices', 'listPayments']) {
    await flow.step('P', `Another tenant lists ${op.slice(4).toLowerCase()}`, api.describe(op), async () => {
      await judge(op, await probeCall(api, op, { token: otherToken }), false);
      await judge(op, await probeCall(api, op, { token: otherToken, headers: { 'x-tenant-id': a.tenantId } }), false);
    });
  }
  // Last, so a delete that went through cannot hide what the reads would show; the owner's read says whether it did.
  await flow.step('P', 'Another tenant on deleteAsset', api.describe('deleteAsset'), async () => {
    await judge('deleteAsset', await probeCall(api, 'deleteAsset', { token: otherToken, params: { id: a.assetId } }), true);
    const still = await probeCall(api, 'getAsset', { token: ownerToken, params: { id: a.assetId } });
    if (still.status !== 200 && !findings.some((f) => f.route.startsWith('DELETE'))) {
      const r = contract.route('deleteAsset');
      const f = { route: `${r.method} ${r.path}`, service: r.service, tokenKind: 'cross-tenant' as const, status: still.status };
      notes.push(`the first tenant's asset is gone (${still.status}) after the other tenant's DELETE was refused`);
      findings.push(f);
      await attachFinding(testInfo, f);
    }
  });

  await flow.step('F', "No tenant reads, changes or deletes another tenant's data", `${seen.length} cross-tenant requests`, async () => {
    await flow.evidence({ kind: 'probe', summary: `cross-tenant (BOLA): ${seen.length} requests, ${findings.length} served the first tenant's data, ${serverErrors.length} server error(s)`, data: { probed: Object.keys(a), seen, findings, serverErrors, notes } });
    if (findings.length) throw new AuthBypass(findings);
    if (serverErrors.length) throw new ProbeServerError(serverErrors);
  });
});

// Seed P0-05: a service with no HTTP auth is safe only while the gateway does not reach its internal API.
for (const service of contracts().services.filter((s) => s.criticality === 'P0' && s.internal.length)) {
  test(`${service.name}: internal routes unreachable through the gateway without service credentials`, { tag: [...TAGS, ...(service.name === 'email-service' ? [gapTag('P0-05')] : [])] }, async ({ flow, target }, testInfo) => {
    const base = target.kong.url.replace(/\/$/, '');
    // Raw requests (no contract operation to check): they trust the gateway's CA as the API client does.
    const dispatcher = new Agent(target.kong.caFile ? { connect: { ca: readFileSync(target.kong.caFile, 'utf8') } } : {});
    try {
      await flow.step('S', 'Positive control: the gateway reaches the service', `GET ${service.health}`, async () => {
        // Without this, a refusal below could just mean the service is down.
        const res = await request(`${base}${service.health}`, { headers: target.kong.extraHeaders, headersTimeout: target.budgets.stepMs, bodyTimeout: target.budgets.stepMs, dispatcher });
        await res.body.dump();
        if (res.statusCode !== 200) throw new InfrastructureUnreachable(service.name, `${base}${service.health}`, `health answered ${res.statusCode} through the gateway`);
      });
      const findings: BypassFinding[] = [];
      const serverErrors: ProbeServerErrorFinding[] = [];
      const seen: string[] = [];
      for (const route of service.internal) {
        const [method, path] = route.split(' ');
        await flow.step('P', `Probe internal ${path} without credentials`, route, async () => {
          const res = await request(`${base}${path}`, {
            method: method as 'POST',
            headers: { ...target.kong.extraHeaders, 'content-type': 'application/json' },
            body: JSON.stringify({ to: 'bypass-probe@flowgate.test', subject: 'flowgate P0-05 probe', body: 'must never be sent' }),
            headersTimeout: target.budgets.stepMs,
            bodyTimeout: target.budgets.stepMs,
            dispatcher,
          });
          // dump() reads at most 128 KiB and drops the connection past it: the answer is judged by its status alone
          await res.body.dump();
          seen.push(`${route} → ${res.statusCode}`);
          const f: BypassFinding = { route, service: service.name, tokenKind: 'none', status: res.statusCode };
          if (res.statusCode >= 200 && res.statusCode < 300) {
            findings.push(f);
            await attachFinding(testInfo, f);
          } else if (res.statusCode >= 500) serverErrors.push(f);
        });
      }
      await flow.step('F', 'No internal route answers through the gateway', `${service.internal.length} internal route(s)`, async () => {
        await flow.evidence({ kind: 'probe', summary: `${service.name} internal routes through the gateway: ${seen.join(', ')}`, data: { service: service.name, seen, findings, serverErrors } });
        if (findings.length) throw new AuthBypass(findings);
        if (serverErrors.length) throw new ProbeServerError(serverErrors);
      });
    } finally {
      // a failed step must not leave the agent's sockets open in the worker
      await dispatcher.close();
    }
  });
}
