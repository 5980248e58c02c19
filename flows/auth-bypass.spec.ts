// Auth-bypass probes (No-Go trigger): every protected route of every P0 service, called with five kinds of bad token.
import { SignJWT, decodeJwt } from 'jose';
import { test, login } from '../fixtures';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { AuthBypass, InfrastructureUnreachable } from '../helpers/errors';
import { bypassFindingAttachment, TOKEN_KINDS, type BypassFinding, type TokenKind } from '../helpers/evidence';
import { contracts } from '../contracts';

const P0 = contracts().services.filter((s) => s.criticality === 'P0').map((s) => s.name);
const protectedRoutesOf = (service: string) => contracts().routesOf(service).filter((r) => r.protected);
/** Seed §3 gaps whose JWT middleware these probes check. */
const GAPS: Record<string, string> = { 'asset-management-service': '@gap-P0-01', 'checkout-orchestration-service': '@gap-P0-03' };

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

for (const service of P0) {
  const routes = protectedRoutesOf(service);
  if (routes.length === 0) continue;
  test(`${service}: protected routes refuse bad tokens`, { tag: ['@flow-auth-bypass', '@trigger-auth-bypass', ...(GAPS[service] ? [GAPS[service]] : [])] }, async ({ flow, api, account, target, contract }, testInfo) => {
    const ids: Record<string, string> = {};
    const tokens = {} as Record<TokenKind, string | undefined>;

    await flow.step('S', 'Set up a user, its resources and bad tokens', 'POST /api/v1/auth/login', async () => {
      const { token } = await login(api, contract, account);
      const claims = decodeJwt(token);
      ids.assetId = (await api.call('createAsset', { token, body: sampleBody('createAsset', ids), expect: 201 })).body.id;
      ids.scanId = (await api.call('startScan', { token, body: sampleBody('startScan', ids), expect: 202 })).body.scanId;
      const plans = (await api.call('listPlans', { expect: 200 })).body.plans;
      ids.planId = plans.find((p: any) => p.amount > 0)?.id ?? 'pro';
      ids.sessionId = (await api.call('createCheckoutSession', { token, body: { planId: ids.planId }, expect: 201 })).body.sessionId;
      const now = Math.floor(Date.now() / 1000);
      const sign = (key: string, iat: number, exp: number) =>
        new SignJWT({ ...claims, iat, exp }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(key));
      tokens.none = undefined;
      tokens.malformed = 'not-a-jwt.flowgate.probe';
      tokens['wrong-key'] = await sign(`flowgate-wrong-key-${now}`, now, now + 600);
      tokens.expired = await sign(target.jwtTestSigningKey, now - 7200, now - 3600);
      const second = await login(api, contract, account);
      await api.call('logout', { token: second.token, expect: 200 });
      tokens['logged-out'] = second.token;
    });

    const findings: BypassFinding[] = [];
    const refusals: string[] = [];
    // Mutating probes last, so a bypassing DELETE cannot hide what the reads would show.
    const ordered = [...routes].sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    for (const route of ordered) {
      await flow.step('P', `Probe ${route.operationId}`, `${route.method} ${route.path}`, async () => {
        for (const kind of TOKEN_KINDS) {
          const res = await api.call(route.operationId, { token: tokens[kind], params: pathParams(route.path, ids), body: sampleBody(route.operationId, ids) });
          if (res.status >= 200 && res.status < 300) {
            const f: BypassFinding = { route: `${route.method} ${route.path}`, service, tokenKind: kind, status: res.status };
            findings.push(f);
            const a = bypassFindingAttachment(f);
            await testInfo.attach(a.name, { body: a.body, contentType: a.contentType });
          } else if (res.status !== 401) {
            // Not a bypass (nothing was served), but worth a look: a protected route should say 401 before anything else.
            refusals.push(`${route.method} ${route.path} answered ${res.status} to a ${kind} token`);
          }
        }
      });
    }

    await flow.step('F', 'No protected route serves a bad token', `${routes.length} routes × ${TOKEN_KINDS.length} token kinds`, async () => {
      await flow.evidence({ kind: 'probe', summary: `${routes.length} routes × ${TOKEN_KINDS.length} token kinds: ${findings.length} bypass(es), ${refusals.length} non-401 refusal(s)`, data: { service, routes: routes.map((r) => `${r.method} ${r.path}`), findings, refusals } });
      if (findings.length) throw new AuthBypass(findings);
    });
  });
}

// Seed P0-05: a service with no HTTP auth is safe only while the gateway does not reach its internal API.
for (const service of contracts().services.filter((s) => s.criticality === 'P0' && s.internal.length)) {
  test(`${service.name}: internal routes unreachable through the gateway without service credentials`, { tag: ['@flow-auth-bypass', '@trigger-auth-bypass', ...(service.name === 'email-service' ? ['@gap-P0-05'] : [])] }, async ({ flow, target }, testInfo) => {
    const base = target.kong.url.replace(/\/$/, '');
    // Raw requests (no contract operation to check): they trust the gateway's CA as the API client does.
    const dispatcher = new Agent(target.kong.caFile ? { connect: { ca: readFileSync(target.kong.caFile, 'utf8') } } : {});
    try {
      await flow.step('S', 'Positive control: the gateway reaches the service', `GET ${service.health}`, async () => {
        // Without this, a refusal below could just mean the service is down.
        const res = await request(`${base}${service.health}`, { headers: target.kong.extraHeaders, headersTimeout: target.budgets.stepMs, dispatcher });
        await res.body.dump();
        if (res.statusCode !== 200) throw new InfrastructureUnreachable(service.name, `${base}${service.health}`, `health answered ${res.statusCode} through the gateway`);
      });
      const findings: BypassFinding[] = [];
      const seen: string[] = [];
      for (const route of service.internal) {
        const [method, path] = route.split(' ');
        await flow.step('P', `Probe internal ${path} without credentials`, route, async () => {
          const res = await request(`${base}${path}`, {
            method: method as 'POST',
            headers: { ...target.kong.extraHeaders, 'content-type': 'application/json' },
            body: JSON.stringify({ to: 'bypass-probe@flowgate.test', subject: 'flowgate P0-05 probe', body: 'must never be sent' }),
            headersTimeout: target.budgets.stepMs,
            dispatcher,
          });
          await res.body.dump();
          seen.push(`${route} → ${res.statusCode}`);
          if (res.statusCode >= 200 && res.statusCode < 300) {
            const f: BypassFinding = { route, service: service.name, tokenKind: 'none', status: res.statusCode };
            findings.push(f);
            const a = bypassFindingAttachment(f);
            await testInfo.attach(a.name, { body: a.body, contentType: a.contentType });
          }
        });
      }
      await flow.step('F', 'No internal route answers through the gateway', `${service.internal.length} internal route(s)`, async () => {
        await flow.evidence({ kind: 'probe', summary: `${service.name} internal routes through the gateway: ${seen.join(', ')}`, data: { service: service.name, seen, findings } });
        if (findings.length) throw new AuthBypass(findings);
      });
    } finally {
      // a failed step must not leave the agent's sockets open in the worker
      await dispatcher.close();
    }
  });
}
