// The benchmark's baseline: the four flows' numbered scripts run the naive way — plain requests and polls one after another, no events, rows, probes or contract checks.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import { contracts, type Contracts } from '../contracts';
import type { TargetConfig } from '../helpers/config/config';
import { probesFor } from '../clients/probes';
import { POLL_INTERVALS } from '../helpers/poll';
import { checkoutCompletedEvent, signStripeWebhook } from '../helpers/stripe';
import { EMAIL_DOMAIN } from '../helpers/ownership';

/** How long one naive run took, per flow, and how many requests it sent. */
export interface NaiveRun {
  ms: number;
  flows: Record<'auth' | 'scan' | 'asset' | 'payment', number>;
  requests: number;
}

interface Caller {
  call(operationId: string, opts?: { token?: string; body?: unknown; rawBody?: string; params?: Record<string, string>; query?: Record<string, string>; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  count(): number;
  close(): Promise<void>;
}

/** A plain HTTP caller by operationId: method and path from the contract, nothing checked but the status the script needs. */
function caller(target: TargetConfig, c: Contracts): Caller {
  const agent = new Agent({ connect: target.kong.caFile ? { ca: readFileSync(target.kong.caFile) } : {} });
  let sent = 0;
  return {
    async call(operationId, opts = {}) {
      const route = c.route(operationId);
      let path = route.path.replace(/\{([^}]+)\}/g, (_m, k) => encodeURIComponent(opts.params?.[k] ?? ''));
      if (opts.query) path += `?${new URLSearchParams(opts.query)}`;
      const headers: Record<string, string> = { ...target.kong.extraHeaders, ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined = opts.rawBody;
      if (opts.body !== undefined) body = JSON.stringify(opts.body);
      if (body !== undefined) headers['content-type'] = 'application/json';
      sent++;
      const res = await request(`${target.kong.url}${path}`, { method: route.method, headers, body, dispatcher: agent, headersTimeout: 10_000, bodyTimeout: 10_000 });
      const text = await res.body.text();
      let parsed: any = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // a non-JSON answer stays text
      }
      return { status: res.statusCode, body: parsed };
    },
    count: () => sent,
    close: () => agent.close(),
  };
}

/** Asks again, at the gate's own intervals (so both meet the target at the same pace), until `done` holds or the budget runs out. */
async function until<T>(what: string, budgetMs: number, ask: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const end = Date.now() + budgetMs;
  for (let i = 0; ; i++) {
    const v = await ask();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`naive baseline: no ${what} within ${budgetMs} ms`);
    await new Promise((r) => setTimeout(r, POLL_INTERVALS[Math.min(i, POLL_INTERVALS.length - 1)]));
  }
}

function expectStatus(what: string, got: { status: number; body: any }, want: number): any {
  if (got.status !== want) throw new Error(`naive baseline: ${what} answered ${got.status}, expected ${want}`);
  return got.body;
}

async function authFlow(api: Caller, target: TargetConfig, c: Contracts, email: string, password: string, verificationToken: (email: string) => Promise<string | undefined>) {
  const budget = target.budgets.stepMs;
  const csrf = expectStatus('getCsrfToken', await api.call('getCsrfToken'), 200).csrfToken;
  const captcha = expectStatus('createCaptchaChallenge', await api.call('createCaptchaChallenge', { headers: { [c.headers.captchaTestKey]: target.captchaTestKey } }), 200);
  const reg = await api.call('registerIndividual', {
    headers: { [c.headers.csrf]: csrf },
    body: { email, password, firstName: 'Naive', lastName: 'Baseline', captcha: { challengeId: captcha.challengeId, solution: captcha.solution } },
  });
  expectStatus('registerIndividual', reg, 201);
  const token = await until('verification mail', target.budgets.eventMs, () => verificationToken(email), Boolean);
  expectStatus('verifyEmail', await api.call('verifyEmail', { params: { token: token! } }), 200);
  const login = expectStatus('login', await api.call('login', { headers: { [c.headers.csrf]: csrf }, body: { email, password } }), 200);
  expectStatus('checkSession', await api.call('checkSession', { token: login.accessToken }), 200);
  await until('free tier', budget, () => api.call('getCurrentSubscription', { token: login.accessToken }), (r) => r.body?.tier === 'free');
  expectStatus('logout', await api.call('logout', { token: login.accessToken }), 200);
  expectStatus('checkSession after logout', await api.call('checkSession', { token: login.accessToken }), 401);
}

async function loginAs(api: Caller, c: Contracts, email: string, password: string): Promise<{ accessToken: string; user: { id: string; tenantId: string } }> {
  const csrf = expectStatus('getCsrfToken', await api.call('getCsrfToken'), 200).csrfToken;
  return expectStatus('login', await api.call('login', { headers: { [c.headers.csrf]: csrf }, body: { email, password } }), 200);
}

async function scanFlow(api: Caller, target: TargetConfig, c: Contracts, token: string, host: string) {
  const assetId = expectStatus('createAsset', await api.call('createAsset', { token, body: { name: `naive scan ${host}`, type: 'domain', value: host } }), 201).id;
  await until('ownership proof', target.budgets.stepMs, () => api.call('createOwnershipProof', { token, body: { assetId, method: 'dns-txt' } }), (r) => r.status === 201);
  const scanId = expectStatus('startScan', await api.call('startScan', { token, body: { assetId, target: host, engine: c.scanEngines[0] ?? 'nuclei', priority: 'normal' } }), 202).scanId;
  await until('completed scan', target.budgets.scanMs, () => api.call('getScan', { token, params: { id: scanId } }), (r) => r.body?.status === 'completed');
  const results = expectStatus('getScanResults', await api.call('getScanResults', { token, params: { id: scanId } }), 200);
  const findings = (results.findings ?? []).length;
  await until('vulnerabilities of the scan', target.budgets.stepMs, () => api.call('listVulnerabilities', { token, query: { scanId } }), (r) => (r.body?.items ?? []).length >= findings);
}

async function assetFlow(api: Caller, target: TargetConfig, token: string, host: string) {
  const usage = async () => (await api.call('getCurrentSubscription', { token })).body?.usage?.assets;
  const before = await usage();
  const assetId = expectStatus('createAsset', await api.call('createAsset', { token, body: { name: `naive asset ${host}`, type: 'domain', value: host } }), 201).id;
  expectStatus('getAsset', await api.call('getAsset', { token, params: { id: assetId } }), 200);
  expectStatus('updateAsset', await api.call('updateAsset', { token, params: { id: assetId }, body: { name: `naive asset ${host} renamed` } }), 200);
  await until('quota up', target.budgets.quotaMs, usage, (n) => n === before + 1);
  expectStatus('deleteAsset', await api.call('deleteAsset', { token, params: { id: assetId } }), 204);
  await until('quota down', target.budgets.quotaMs, usage, (n) => n === before);
}

async function paymentFlow(api: Caller, target: TargetConfig, c: Contracts, token: string, who: { userId: string; tenantId: string }) {
  const plan = expectStatus('listPlans', await api.call('listPlans'), 200).plans.find((p: any) => p.amount > 0);
  const session = expectStatus('createCheckoutSession', await api.call('createCheckoutSession', { token, body: { planId: plan.id } }), 201);
  const payload = JSON.stringify(checkoutCompletedEvent({ sessionId: session.sessionId, tenantId: who.tenantId, userId: who.userId, planId: plan.id, amount: session.amount, currency: session.currency }));
  expectStatus('stripeWebhook', await api.call('stripeWebhook', { rawBody: payload, headers: { [c.headers.stripeSignature]: signStripeWebhook(payload, target.stripeWebhookSecret) } }), 200);
  await until('upgraded tier', target.budgets.stepMs, () => api.call('getCurrentSubscription', { token }), (r) => r.body?.tier === plan.tier);
  await until('invoice', target.budgets.stepMs, () => api.call('listInvoices', { token }), (r) => (r.body?.items ?? []).length > 0);
}

/**
 * One naive run of the four flows against a target, one request after another. Its account is run-tagged like the
 * harness's (flowgate+<runId>-naive-<hex>@flowgate.test) so `npm run sweep` removes it from a shared target.
 */
export async function naiveRun(target: TargetConfig): Promise<NaiveRun> {
  const c = contracts();
  const api = caller(target, c);
  // The verification mail is read with the profile's own probe, as the harness reads it.
  const probes = await probesFor(target);
  const tag = `${target.runId}-naive-${randomBytes(4).toString('hex')}`;
  const email = `flowgate+${tag}${EMAIL_DOMAIN}`;
  const password = `Nv-${randomBytes(12).toString('base64url')}1!`;
  const verificationToken = async (to: string) => (await probes.run('email.verificationToken', { email: to }))[0]?.token as string | undefined;
  const flows = { auth: 0, scan: 0, asset: 0, payment: 0 };
  const timed = async (name: keyof typeof flows, fn: () => Promise<void>) => {
    const t0 = performance.now();
    await fn();
    flows[name] = performance.now() - t0;
  };
  const start = performance.now();
  try {
    await timed('auth', () => authFlow(api, target, c, email, password, verificationToken));
    const { accessToken: token, user: me } = await loginAs(api, c, email, password);
    await timed('scan', () => scanFlow(api, target, c, token, `${tag}.scan.flowgate.test`));
    await timed('asset', () => assetFlow(api, target, token, `${tag}.asset.flowgate.test`));
    await timed('payment', () => paymentFlow(api, target, c, token, { userId: me.id, tenantId: me.tenantId }));
    return { ms: performance.now() - start, flows, requests: api.count() };
  } finally {
    await Promise.allSettled([probes.close(), api.close()]);
  }
}

// As a process of its own (the bench runs it so): the target from the environment, one run, its figures as JSON on stdout.
if (require.main === module) {
  const { parseTargetConfig } = require('../helpers/config/config') as typeof import('../helpers/config/config');
  naiveRun(parseTargetConfig(process.env))
    .then((r) => console.log(JSON.stringify(r)))
    .catch((err) => {
      console.error(`naive baseline: ${err?.message ?? err}`);
      process.exit(1);
    });
}
