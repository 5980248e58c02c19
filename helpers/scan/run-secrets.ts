// The secrets a run knows, for the artifact scan: its configuration's, and the tokens and passwords its workers obtain, kept in a private file outside reports/ (the ledger) until the scan has run.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, isAbsolute } from 'node:path';
import type { KnownSecret } from './artifact-scan';
import { parseTargetConfig, type Env } from '../config/config';
import { MIN_SECRET_LENGTH, SECRET_HEADERS, secretsFromConfig, secretsFromEnv } from '../redact';

/** Names the ledger file; npm run smoke sets it for the run, and a run without it records nothing. */
export const LEDGER_VAR = 'FLOWGATE_RUN_LEDGER';

const inside = (dir: string, p: string) => {
  const r = relative(resolve(dir), resolve(p));
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/**
 * A new ledger: an empty file in a private folder of its own (0700, from mkdtemp) under the system's temporary
 * folder, never under the reports folder whose files are uploaded. Returns the file's path.
 */
export function createLedger(reportsDir: string, runId: string, base = tmpdir()): string {
  const dir = mkdtempSync(join(base, `flowgate-secrets-${runId.replace(/[^A-Za-z0-9_-]/g, '_')}-`));
  if (inside(reportsDir, dir)) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`the secret ledger would be under the reports folder ${reportsDir} (the temporary folder ${base} is inside it); set TMPDIR elsewhere`);
  }
  const file = join(dir, 'ledger.jsonl');
  appendFileSync(file, '', { mode: 0o600 });
  return file;
}

export function removeLedger(file: string | undefined): void {
  if (!file) return;
  rmSync(join(file, '..'), { recursive: true, force: true });
}

// What this process already wrote: a login token used for fifty probe calls is written once.
const written = new Set<string>();

/** Appends values to the run's ledger (one JSON line each, 0600, O_APPEND so workers do not interleave); no ledger, no record. */
export function recordSecrets(secrets: Iterable<KnownSecret>, env: Env = process.env): void {
  const file = env[LEDGER_VAR];
  if (!file) return;
  let lines = '';
  for (const s of secrets) {
    if (typeof s.value !== 'string' || s.value.length < MIN_SECRET_LENGTH || written.has(s.value)) continue;
    written.add(s.value);
    lines += JSON.stringify({ kind: s.kind, value: s.value }) + '\n';
  }
  if (!lines) return;
  // A ledger that cannot be written leaves a token the scan cannot look for: that fails the step, not silently the scan.
  if (!existsSync(join(file, '..'))) throw new Error(`${LEDGER_VAR}: the secret ledger's folder ${join(file, '..')} does not exist`);
  appendFileSync(file, lines, { mode: 0o600 });
}

/** Every value the ledger holds, first kind kept; a torn last line (a worker killed mid-write) is skipped. */
export function readLedger(file: string | undefined): KnownSecret[] {
  if (!file || !existsSync(file)) return [];
  const out = new Map<string, KnownSecret>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      const e = JSON.parse(line);
      if (typeof e?.value === 'string' && typeof e?.kind === 'string' && !out.has(e.value)) out.set(e.value, { kind: e.kind, value: e.value });
    } catch {
      /* torn line */
    }
  }
  return [...out.values()];
}

function urlPasswords(url: string): string[] {
  try {
    const p = new URL(url).password;
    if (!p) return [];
    try {
      return [p, decodeURIComponent(p)];
    } catch {
      return [p];
    }
  } catch {
    return [];
  }
}

/** The configuration's secrets (redact.ts's lists), each named by the variable that holds it. */
export function configSecrets(env: Env): KnownSecret[] {
  let values = secretsFromEnv(env);
  try {
    values = [...values, ...secretsFromConfig(parseTargetConfig(env))];
  } catch {
    // An invalid configuration still holds real secrets; the raw variables above cover it.
  }
  const out = new Map<string, KnownSecret>();
  for (const value of values) {
    if (out.has(value)) continue;
    const direct = Object.keys(env).find((k) => env[k] === value);
    const inUrl = direct ? undefined : Object.keys(env).find((k) => /_URL$/.test(k) && env[k] && urlPasswords(env[k]!).includes(value));
    const kind = direct ?? (inUrl ? `${inUrl} password` : env.KONG_EXTRA_HEADERS?.includes(value) ? 'KONG_EXTRA_HEADERS value' : 'configured secret');
    out.set(value, { kind, value });
  }
  return [...out.values()];
}

/** Keys whose values are credentials wherever they occur: in a request or response body, or a database row. */
const SECRET_FIELD = /^(access_?token|refresh_?token|id_?token|verification_?token|session_?token|token|jwt|api_?key|.*password.*|.*passwd.*|.*secret.*)$/i;

/** Credentials in a parsed body or row: values under credential-named keys (bounded in depth and count). */
export function secretFields(value: unknown, depth = 0, out: KnownSecret[] = []): KnownSecret[] {
  if (depth > 8 || value === null || typeof value !== 'object' || out.length > 200) return out;
  if (Array.isArray(value)) {
    for (const v of value.slice(0, 500)) secretFields(v, depth + 1, out);
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' && SECRET_FIELD.test(k)) out.push({ kind: k, value: v });
    else if (v && typeof v === 'object') secretFields(v, depth + 1, out);
  }
  return out;
}

/** The credentials one HTTP exchange carried: the token it sent, credential headers and cookies, and credential fields of either body. */
export function exchangeSecrets(ex: { request: { headers: Record<string, string>; body?: unknown }; response: { headers: Record<string, string>; body?: unknown }; forgedToken?: boolean }): KnownSecret[] {
  const out: KnownSecret[] = [];
  for (const [name, value] of Object.entries(ex.request.headers)) {
    if (typeof value !== 'string' || !SECRET_HEADERS.includes(name.toLowerCase())) continue;
    // A probe's forged token (malformed, signed with a random key, unsigned) is no credential: its literal sits in the
    // probe's own source, which error contexts quote, so ledgering it would read as a leak.
    if (ex.forgedToken && name.toLowerCase() === 'authorization') continue;
    const scheme = /^(Bearer|Basic|Token)\s+(.+)$/i.exec(value);
    if (scheme) out.push({ kind: `${scheme[1].toLowerCase()} credential sent`, value: scheme[2] });
    else out.push({ kind: `${name.toLowerCase()} header sent`, value });
  }
  for (const c of (ex.response.headers['set-cookie'] ?? '').split(/,(?=[^;,]*=)/)) {
    const v = /^\s*[^=;]+=([^;]*)/.exec(c)?.[1];
    if (v) out.push({ kind: 'cookie received', value: v });
  }
  secretFields(ex.request.body, 0, out);
  secretFields(ex.response.body, 0, out);
  return out;
}
