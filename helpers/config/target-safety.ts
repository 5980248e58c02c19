// What flowgate refuses before it sends a single request: a production target, and a staging configuration that would send a secret in clear (pure).
import { DB_VARS, parseBool, type Env } from './config';
import type { TargetKind } from './target';

/** The words that mark production, matched as whole words (a word is a run of letters: `prod-api`, `api.prod1` yes; `products`, `liveness` no). */
export const PRODUCTION_WORDS: readonly string[] = ['prod', 'production', 'live'];

/** The production word a name or host carries, or undefined. Linear: one pass over runs of letters. */
export function productionWord(text: string): string | undefined {
  for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) if (PRODUCTION_WORDS.includes(w)) return w;
  return undefined;
}

const val = (env: Env, k: string) => {
  const v = env[k]?.trim();
  return v ? v : undefined;
};

/** A URL's host, or undefined when the value is not a URL (its own check at preflight names that). */
function urlHost(v: string): string | undefined {
  try {
    return new URL(v).hostname.replace(/^\[|\]$/g, '') || undefined;
  } catch {
    return undefined;
  }
}

/** host of every `host:port` of a comma-separated list */
const listHosts = (v: string) => v.split(',').map((x) => x.trim().replace(/:\d+$/, '').replace(/^\[|\]$/g, '')).filter(Boolean);

/**
 * The target's name (FLOWGATE_TARGET_NAME) and the host of every address it is given: the gateway first, then the
 * brokers, the databases and Redis, since a production database in a staging .env would take the run's deletes.
 */
function targetHosts(env: Env): { variable: string; host: string }[] {
  const out: { variable: string; host: string }[] = [];
  for (const k of ['KONG_URL', 'REDIS_URL', ...Object.values(DB_VARS)]) {
    const v = val(env, k);
    const host = v && urlHost(v);
    if (host) out.push({ variable: k, host });
  }
  for (const k of ['KAFKA_BROKERS', 'FLOWGATE_PUBLIC_ENDPOINTS']) for (const host of listHosts(val(env, k) ?? '')) out.push({ variable: k, host });
  return out;
}

/** Never production: the name or any host that says so is refused, whatever the kind of target. There is no override. */
export function productionProblems(env: Env): string[] {
  const problems: string[] = [];
  const name = val(env, 'FLOWGATE_TARGET_NAME');
  const word = name && productionWord(name);
  if (word) problems.push(`FLOWGATE_TARGET_NAME ${JSON.stringify(name!.slice(0, 64))} says "${word}": flowgate never runs against production (it creates accounts, posts signed webhooks and deletes rows); there is no override`);
  for (const { variable, host } of targetHosts(env)) {
    const w = productionWord(host);
    if (w) problems.push(`${variable}'s host ${host} says "${w}": flowgate never runs against production (it creates accounts, posts signed webhooks and deletes rows); there is no override`);
  }
  return problems;
}

/** sslmode values whose TLS checks the server's certificate (libpq's meaning, which is what a reader of the URL expects). */
export const VERIFIED_SSLMODES: readonly string[] = ['verify-full', 'verify-ca'];

const PLAINTEXT_HINT = 'or, on purpose, npm run smoke -- --plaintext (criteria 4–6 then fail)';

/**
 * A staging configuration that would send a secret in clear or to a server it does not verify: an http gateway (API key,
 * passwords, tokens, signed webhooks), redis:// (its password), a database URL whose sslmode does not verify, Kafka SASL
 * without TLS. Each problem names its variable. The embedded stack sets a verified configuration itself.
 */
export function clearTextProblems(env: Env): string[] {
  const problems: string[] = [];
  const kong = val(env, 'KONG_URL');
  if (kong && /^http:/i.test(kong))
    problems.push(`KONG_URL is http://: KONG_EXTRA_HEADERS, the test accounts' passwords and tokens and the signed webhooks would travel in clear; use https:// (${PLAINTEXT_HINT})`);
  const redis = val(env, 'REDIS_URL');
  if (redis && /^redis:/i.test(redis)) problems.push(`REDIS_URL is redis://: its password would travel in clear; use rediss:// (${PLAINTEXT_HINT})`);
  for (const k of Object.values(DB_VARS)) {
    const v = val(env, k);
    if (!v) continue;
    let mode: string | undefined;
    try {
      mode = new URL(v).searchParams.get('sslmode')?.toLowerCase() ?? undefined;
    } catch {
      continue; // not a URL: preflight's configuration check names it before any connection
    }
    if (!mode || !VERIFIED_SSLMODES.includes(mode))
      problems.push(`${k} has ${mode ? `sslmode=${mode}` : 'no sslmode'}: its password could travel in clear or to a server whose certificate is not checked; add ?sslmode=verify-full (or verify-ca) (${PLAINTEXT_HINT})`);
  }
  const sasl = val(env, 'KAFKA_SASL_MECHANISM') ?? val(env, 'KAFKA_SASL_USERNAME') ?? val(env, 'KAFKA_SASL_PASSWORD');
  // as helpers/config.ts decides it: KAFKA_SSL, else TLS when a CA file is given
  const tls = parseBool(val(env, 'KAFKA_SSL')) ?? val(env, 'KAFKA_SSL_CA_FILE') !== undefined;
  if (sasl && !tls) problems.push(`KAFKA_SSL is ${val(env, 'KAFKA_SSL') ?? 'not set'} while KAFKA_SASL_* is set: the SASL password would travel in clear; set KAFKA_SSL=true (${PLAINTEXT_HINT})`);
  return problems;
}

/**
 * Everything that stops a run before its first request (npm run smoke and Playwright's global setup both ask): production
 * always; a configuration in clear only for a staging-kind target and only without --plaintext.
 */
export function targetRefusals(env: Env, o: { kind: TargetKind; plaintext: boolean }): string[] {
  return [...productionProblems(env), ...(o.kind === 'staging' && !o.plaintext ? clearTextProblems(env) : [])];
}
