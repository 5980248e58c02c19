// A test account through the gateway as a user makes one (register, verify, log in), and the removal of what a test made by its own ids.
import type { Contracts } from '../contracts';
import type { TargetConfig } from '../helpers/config/config';
import { firstLine } from '../helpers/errors';
import type { ApiClient } from './api';
import type { DbProbes } from './probes';
import { cleanupOwned, type CleanupOutcome, type OwnedIds } from './cleanup';

export interface Identity {
  runId: string;
  email: string;
  password: string;
  firstName: string;
  lastName: string;
}

/** A registered, verified account created for one test (the setup the scan, asset and payment flows start from). */
export interface Account extends Identity {
  userId: string;
  tenantId: string;
}

export interface WaitOptions {
  /** ms epoch: an event from before it never satisfies the wait; default the start of the flow step running now */
  since?: number;
  /**
   * The earlier flow step whose action this wait verifies (a "Verify …" step awaiting what step 3 caused): events from
   * before that step began never satisfy the wait. Naming a step that has not run fails the wait.
   */
  sinceStep?: number | string;
}

export interface Db {
  /** Waits (bounded) until the probe returns rows satisfying `accept`, and records them. */
  expectRows(probe: string, vars: Record<string, unknown>, accept?: (rows: Record<string, any>[]) => boolean, what?: string, budgetMs?: number, opts?: WaitOptions): Promise<Record<string, any>[]>;
}

/** Who a test registered, for its cleanup to remove (by its own ids only). */
export type AccountOwner = { userId: string; tenantId: string; email: string };

/** Registers and verifies an identity through the gateway, as a user would; returns its ids. */
export async function registerAndVerify(api: ApiClient, db: Db, identity: Identity, target: TargetConfig, contract: Contracts, cleanup: { track(who: AccountOwner): void }): Promise<Account> {
  const csrf = await api.call('getCsrfToken', { expect: 200 });
  const challenge = await api.call('createCaptchaChallenge', { headers: { [contract.headers.captchaTestKey]: target.captchaTestKey }, expect: 200 });
  const reg = await api.call('registerIndividual', {
    headers: { [contract.headers.csrf]: csrf.body.csrfToken },
    body: {
      email: identity.email,
      password: identity.password,
      firstName: identity.firstName,
      lastName: identity.lastName,
      captcha: { challengeId: challenge.body.challengeId, solution: challenge.body.solution },
    },
    expect: 201,
  });
  const account = { ...identity, userId: reg.body.userId, tenantId: reg.body.tenantId };
  // Tracked as soon as it exists, so a failure in what follows still cleans it up.
  cleanup.track(account);
  const [mail] = await db.expectRows('email.verificationToken', { email: identity.email }, undefined, 'the verification mail', target.budgets.eventMs);
  await api.call('verifyEmail', { params: { token: mail.token }, expect: 200 });
  return account;
}

export async function login(api: ApiClient, contract: Contracts, who: Identity): Promise<{ token: string; user: any }> {
  const csrf = await api.call('getCsrfToken', { expect: 200 });
  const res = await api.call('login', { headers: { [contract.headers.csrf]: csrf.body.csrfToken }, body: { email: who.email, password: who.password }, expect: 200 });
  return { token: res.body.accessToken, user: res.body.user };
}

/**
 * Deletes what one test created, by its own ids only (the profile's cleanup statements, clients/cleanup.ts): its
 * accounts by their addresses, what it made by id, and each account's tenant only when every user of it is one of
 * these accounts. Returns the notes of whatever stayed (refused or failed); never throws.
 */
export async function cleanupAccounts(probes: DbProbes, accounts: { tenantId: string; email: string }[], made: OwnedIds = {}): Promise<CleanupOutcome> {
  if (!accounts.length && !Object.values(made).some((v) => v?.length)) return { removed: [], notes: [], ownedTenants: [] };
  const emails = accounts.map((a) => a.email.toLowerCase());
  try {
    return await cleanupOwned(probes, probes.profile.cleanup, { ...made, email: emails, tenantId: accounts.map((a) => String(a.tenantId ?? '')) }, { ownAccounts: new Set(emails) });
  } catch (err: any) {
    return { removed: [], notes: [`cleanup failed: ${firstLine(String(err?.message ?? err))}; the rows of ${emails.join(', ')} stay (npm run sweep removes them later)`], ownedTenants: [] };
  }
}
