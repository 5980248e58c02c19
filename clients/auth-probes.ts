// The auth probes' helpers: preflight's positive control (JWT_TEST_SIGNING_KEY signs tokens the target accepts) and the probe call that reads a refusal, a bypass or a server error.
//
// The positive control: without it, "the expired token was refused" could just mean "the key is wrong": every signed probe token would be
// refused for the wrong reason and the probes would pass without proving anything. So a key the target does not
// accept stops the run at preflight as could-not-evaluate (exit 2), naming JWT_TEST_SIGNING_KEY.
import { randomBytes } from 'node:crypto';
import { polling } from '../helpers/poll';
import { expect } from '@playwright/test';
import type { Contracts } from '../contracts';
import type { TargetConfig } from '../helpers/config/config';
import { ConfigError, ContractViolation, DbStateMismatch, firstLine } from '../helpers/errors';
import { algOf, hs256, reclaim } from '../helpers/tokens';
import { ApiClient, gatewayOptions, type CallOptions, type Exchange } from './api';
import { probesFor } from './probes';
import { cleanupAccounts, login, registerAndVerify, type Db, type Identity } from './account';

export interface ControlResult {
  /** the protected route the minted token was sent to */
  route: string;
  /** what it answered to the login's own token and to the minted one */
  loginStatus: number;
  mintedStatus: number;
  /** the algorithm of the login token's header (the target's signing algorithm) */
  alg: string | undefined;
  exchanges: string[];
  /**
   * Why the control could not be run: the throwaway account could not register, verify or log in (a broken
   * platform, which the auth flow reports at its own step). Nothing was learnt of the key, so every auth-bypass test
   * checks the key again with its own account before it probes (controlKey).
   */
  notRun?: string;
  /** what the throwaway account's cleanup left behind, and why (filled in when the control ends; for the verdict's notes) */
  cleanupNotes: string[];
}

/** Registers a throwaway account, logs in, re-signs the login's claims with JWT_TEST_SIGNING_KEY and reads a protected route with it. */
export async function jwtPositiveControl(target: TargetConfig, contract: Contracts): Promise<ControlResult> {
  const exchanges: string[] = [];
  const api = new ApiClient(gatewayOptions(target, contract, (ex: Exchange) => void exchanges.push(`${ex.method} ${ex.path} → ${ex.status}`)));
  const probes = await probesFor(target);
  const db: Db = {
    async expectRows(probe, vars, accept = (rows) => rows.length > 0, what = 'at least one row', budgetMs = target.budgets.stepMs) {
      let last: Record<string, any>[] = [];
      try {
        await expect.poll(async () => accept((last = await probes.run(probe, vars))), polling({ timeout: budgetMs, message: `probe ${probe} to return ${what}` })).toBe(true);
      } catch (err: any) {
        // a probe cut off by its statement timeout, or a database gone, says so rather than "no rows"
        if (err?.name === 'BudgetExceeded' || err?.name === 'InfrastructureUnreachable') throw err;
        throw new DbStateMismatch({ probe, expected: `${what} within ${budgetMs} ms`, got: last, params: vars });
      }
      return last;
    },
  };
  const tracked: { userId: string; tenantId: string; email: string }[] = [];
  const cleanupNotes: string[] = [];
  const tag = `${target.runId}-control-${randomBytes(4).toString('hex')}`;
  const identity: Identity = { runId: target.runId, email: `flowgate+${tag}@flowgate.test`, password: `Fg!${randomBytes(12).toString('base64url')}`, firstName: 'Flowgate', lastName: tag };
  const route = api.describe('listAssets');
  try {
    let account: Awaited<ReturnType<typeof registerAndVerify>>;
    let token: string;
    let own: { status: number };
    try {
      account = await registerAndVerify(api, db, identity, target, contract, { track: (who) => void tracked.push(who) });
      ({ token } = await login(api, contract, account));
      // The route itself works for this user (else a refusal below would say nothing about the key).
      own = await api.call('listAssets', { token, expect: 200 });
    } catch (err: any) {
      if (err instanceof ConfigError) throw err;
      return { route, loginStatus: 0, mintedStatus: 0, alg: undefined, exchanges, cleanupNotes, notRun: `no account to sign for: ${firstLine(String(err?.message ?? err))}` };
    }
    const now = Math.floor(Date.now() / 1000);
    const minted = await hs256(reclaim(token, now, now + 300), target.jwtTestSigningKey);
    const res = await api.call('listAssets', { token: minted, expect: [200, 401, 403] });
    const result = { route, loginStatus: own.status, mintedStatus: res.status, alg: algOf(token), exchanges, cleanupNotes };
    if (res.status !== 200)
      throw new ConfigError([
        `JWT_TEST_SIGNING_KEY does not sign tokens the target accepts: ${route} answered 200 to the login's own token but ${res.status} to the same claims (user ${account.userId}, valid for 5 min) signed HS256 with JWT_TEST_SIGNING_KEY` +
          `${result.alg && result.alg !== 'HS256' ? ` (the target's tokens are ${result.alg})` : ''}; set it to the key the target verifies JWTs with, or an expired probe token would be refused only for its key`,
      ]);
    return result;
  } finally {
    cleanupNotes.push(...(await cleanupAccounts(probes, tracked)).notes);
    await probes.close();
    await api.close();
  }
}

/**
 * The positive control again, with a probe test's own login, on the probed service's own protected route (default
 * listAssets): the route answers the login's token, and the same claims signed with JWT_TEST_SIGNING_KEY must be
 * accepted there too, or the signed probe tokens below would be refused for their key alone.
 */
export async function controlKey(api: ApiClient, token: string, key: string, operationId = 'listAssets', params?: Record<string, string>): Promise<void> {
  // the route works for this user (else a refusal of the minted token would say nothing about the key)
  await api.call(operationId, { token, params, expect: 200 });
  const now = Math.floor(Date.now() / 1000);
  const res = await api.call(operationId, { token: await hs256(reclaim(token, now, now + 300), key), params, expect: [200, 401, 403] });
  if (res.status !== 200)
    throw new ConfigError([`JWT_TEST_SIGNING_KEY does not sign tokens the target accepts: ${api.describe(operationId)} answered 200 to this test's login token but ${res.status} to the same claims signed HS256 with it`]);
}

/** Every status: a probe reads whatever comes, then judges it (a 2xx is a bypass, a 5xx a server error). */
const ANY_STATUS = Array.from({ length: 500 }, (_, i) => i + 100);
const served = (status: number) => status >= 200 && status < 300;

export interface ProbeAnswer {
  status: number;
  body: unknown;
  /** the status is not in the operation's contract (a refusal the contract does not document, or a 5xx) */
  undocumented?: string;
}

/**
 * One probe request. A 2xx comes back before any contract check: it is judged as served (a bypass) whatever its body,
 * so a bypass answered by another handler, a cache or a misrouted service is never reported as a contract violation.
 * The body of a documented refusal is still checked against openapi.yaml; a 5xx, or a 4xx refusal the contract does not
 * list (another tenant refused with 403, or 404 where no 404 is documented), comes back with `undocumented` instead of
 * throwing, so the probe can judge it: a server error is a finding of its own (ProbeServerError).
 */
export async function probeCall(api: ApiClient, operationId: string, o: Omit<CallOptions, 'expect' | 'uncheckedStatus'>): Promise<ProbeAnswer> {
  try {
    const res = await api.call(operationId, { ...o, expect: ANY_STATUS, uncheckedStatus: served });
    return { status: res.status, body: res.body };
  } catch (err) {
    if (err instanceof ContractViolation && err.status !== undefined && err.status >= 400 && err.status !== 401)
      return { status: err.status, body: undefined, undocumented: firstLine(err.message) };
    throw err;
  }
}
