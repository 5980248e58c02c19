// One redaction for every artifact: a run whose login answer breaks its schema (and carries real tokens) writes no token into any file under reports/, nor prints one.
import { expect } from '@playwright/test';
import Redis from 'ioredis';
import { readFileSync } from 'node:fs';
import { artifactsUnder } from '../artifacts';
import { REDACTED } from '../../helpers/redact';
import { redisOptions, parseTargetConfig } from '../../helpers/config/config';
import { test, runSmoke, setFaults, targetEnv, cleanup, type SmokeRun } from './harness';

/** A JWT: header.payload.signature, base64url. */
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/;

/** The refresh tokens the fault handed out, as the stack keeps them (auth:refresh:<token>): the values that must not appear. */
async function refreshTokens(env: Record<string, string>): Promise<string[]> {
  const options = redisOptions(parseTargetConfig(env));
  const redis = new Redis({ ...options, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys('auth:refresh:*');
    return keys.map((k) => k.slice('auth:refresh:'.length));
  } finally {
    redis.disconnect();
  }
}

test('a run whose login answer breaks its schema is NO-GO at the login step and writes no token into any file under reports/ (blob zips opened), nor prints one', async ({ stack }) => {
  test.setTimeout(600_000);
  const env = targetEnv(stack);
  const before = new Set(await refreshTokens(env));
  await setFaults(stack.controlUrl, ['auth-login-contract-broken']);
  let run: SmokeRun | undefined;
  try {
    // One shard of one: the run also writes its blob report (a zip), the merge input of sharded runs.
    run = await runSmoke(env, ['--shard=1/1']);
  } finally {
    await setFaults(stack.controlUrl, []);
  }
  try {
    // NO-GO for the contract violation at the login step.
    expect(run.exitCode, run.output.slice(-3000)).toBe(1);
    expect(run.verdict?.verdict).toBe('NO-GO');
    const auth = run.verdict.criteria.find((c: any) => c.id === 7);
    expect(auth?.status, JSON.stringify(auth)).toBe('fail');
    const failing = auth.evidence.find((e: any) => e.failingStep)?.failingStep;
    expect(failing?.title, JSON.stringify(auth.evidence)).toMatch(/^5\. Login/);
    expect(failing?.category).toBe('contract violation');
    expect(failing?.error).toContain('/expiresIn must be integer');

    // The fault really handed out tokens this run: without redaction they would be in the reports.
    const tokens = (await refreshTokens(env)).filter((t) => !before.has(t));
    expect(tokens.length, 'refresh tokens the fault handed out during the run').toBeGreaterThan(0);

    const files = artifactsUnder(run.reportsDir);
    for (const part of ['junit.xml', 'go-no-go.json', 'go-no-go.md', 'history.jsonl'])
      expect(files.some((f) => f.path === part), `${part} written`).toBe(true);
    expect(files.some((f) => f.path.includes('allure-results/')), 'allure-results written').toBe(true);
    expect(files.some((f) => /\.zip!report\.jsonl$/.test(f.path)), 'the blob zip was opened').toBe(true);
    const leaks: string[] = [];
    for (const f of [...files, { path: '(console)', text: run.output }]) {
      const jwt = JWT.exec(f.text);
      if (jwt) leaks.push(`${f.path}: a JWT ${jwt[0].slice(0, 24)}…`);
      for (const t of tokens) if (f.text.includes(t)) leaks.push(`${f.path}: refresh token ${t.slice(0, 8)}…`);
    }
    expect(leaks, 'tokens written or printed').toEqual([]);

    // Where the tokens were, the artifacts say [REDACTED]: the login exchange attached to the auth flow's test.
    const logins = files.filter((f) => /allure-results\/[^/]+-attachment\.json$/.test(f.path) && f.text.includes('/api/v1/auth/login') && f.text.includes('"expiresIn": "'));
    expect(logins.length, 'the login exchanges are attached').toBeGreaterThan(0);
    for (const l of logins) {
      expect(l.text).toContain(`"refreshToken": "${REDACTED}"`);
      expect(l.text).toContain(`"accessToken": "${REDACTED}"`);
    }
    // and the failing step's message quotes the body with its token fields redacted
    const junit = readFileSync(`${run.reportsDir}/junit.xml`, 'utf8');
    expect(junit).toContain('ContractViolation');
    expect(junit).toMatch(/refreshToken(&quot;|")?:(&quot;|")?\[REDACTED\]/);
  } finally {
    if (run) cleanup(run);
  }
});
