// The value parsers of the configuration schema: each takes a variable's trimmed text and returns its value or throws Invalid saying why.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withoutCredentials } from '../errors';
import { redactPatterns } from '../redact';
import { parseConventionalPorts, type ConventionalPorts } from '../transport';

import { BOOL_WORDS, SASL_MECHANISMS, parseBool, type SaslMechanism } from '../../contracts/connection';

// What the harness and the embedded services both parse lives in contracts/connection.ts.
export { BOOL_FALSE, BOOL_TRUE, BOOL_WORDS, SASL_MECHANISMS, parseBool, type Env, type SaslMechanism } from '../../contracts/connection';

/** Thrown by a variable's parser: the part of the message after "<NAME> ". */
export class Invalid {
  constructor(readonly why: string) {}
}
export interface ParseContext {
  /** relative paths are resolved against it */
  cwd: string;
}
export type Parser<T> = (raw: string, ctx: ParseContext) => T;

/** A value quoted in a problem: credentials out first (a password with an unencoded / is removed whole), then anything secret-shaped. */
export const show = (v: string): string => JSON.stringify(redactPatterns(withoutCredentials(v)).slice(0, 120));
const quote = (v: string, n = 40) => JSON.stringify(v.slice(0, n));

export const text: Parser<string> = (v) => v;
export const positiveInt: Parser<number> = (v) => {
  if (!/^\d+$/.test(v) || Number(v) <= 0 || !Number.isSafeInteger(Number(v))) throw new Invalid(`must be a positive integer, got ${quote(v)}`);
  return Number(v);
};
export const countFrom0: Parser<number> = (v) => {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new Invalid(`must be a whole number (0 or more), got ${quote(v)}`);
  return Number(v);
};
/** A positive integer of some unit: the message names the unit. */
const positiveIntOf =
  (unit: string): Parser<number> =>
  (v, c) => {
    try {
      return positiveInt(v, c);
    } catch (e) {
      throw new Invalid(`must be a positive integer number of ${unit}${(e as Invalid).why.replace(/^must be a positive integer/, '')}`);
    }
  };
export const milliseconds = positiveIntOf('milliseconds');
export const byteCount = positiveIntOf('bytes (e.g. 1048576 for 1 MiB)');
export const boolean: Parser<boolean> = (v) => {
  const b = parseBool(v);
  if (b === undefined) throw new Invalid(`must be ${BOOL_WORDS}, got ${show(v)}`);
  return b;
};
export const targetKind: Parser<'embedded' | 'staging'> = (v) => {
  if (v !== 'embedded' && v !== 'staging') throw new Invalid(`must be embedded or staging, got ${quote(v)}`);
  return v;
};
// Run ids and names end up in e-mail addresses, tenant names and consumer groups.
export const token: Parser<string> = (v) => {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(v)) throw new Invalid(`may contain only letters, digits, '.', '_' and '-' (at most 64), got ${quote(v, 80)}`);
  return v;
};
export const groupPrefix: Parser<string> = (v) => {
  if (!/^[A-Za-z0-9._-]+$/.test(v)) throw new Invalid(`may contain only letters, digits, '.', '_' and '-', got ${show(v)}`);
  return v;
};
export const existingPath: Parser<string> = (v, { cwd }) => {
  const abs = resolve(cwd, v);
  if (!existsSync(abs)) throw new Invalid(`names a file that does not exist: ${v}`);
  return abs;
};
export const path: Parser<string> = (v, { cwd }) => resolve(cwd, v);
// A CA file that is not PEM would only fail later, inside a TLS handshake, as an unrelated-looking error.
export const caFile: Parser<string> = (v, c) => {
  const abs = existingPath(v, c);
  const problem = pemProblem(readFileSync(abs));
  if (problem) throw new Invalid(`must name a PEM file of CA certificates (-----BEGIN CERTIFICATE-----), but ${v} ${problem}`);
  return abs;
};
export const shardList: Parser<number[]> = (v) => {
  const parts = v.split(',').map((x) => x.trim());
  if (!parts.every((x) => /^\d+$/.test(x) && Number(x) > 0)) throw new Invalid(`must be a comma-separated list of shard numbers, got ${quote(v)}`);
  return parts.map(Number);
};
export const gapUrl: Parser<string> = (v) => {
  if (!v.includes('%s')) throw new Invalid(`must contain %s where the gap id goes, got ${quote(v, 80)}`);
  return v;
};
// Kafka's brokers and criterion 4's public endpoints: host:port, comma-separated
export const hostPorts: Parser<string[]> = (v) => {
  const items = v.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = items.filter((b) => {
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(b);
    return !m || Number(m[2]) < 1 || Number(m[2]) > 65535;
  });
  if (bad.length || !items.length) throw new Invalid(`must be a comma-separated host:port list, bad entries: ${bad.map(show).join(', ') || '(empty)'}`);
  return items;
};
// criteria 4, 5, 6: the conventional ports tried on the target's hosts (helpers/transport.ts)
export const conventionalPorts: Parser<ConventionalPorts> = (v) => {
  try {
    return parseConventionalPorts(v);
  } catch (e) {
    throw new Invalid((e as Error).message);
  }
};
export const saslMechanism: Parser<SaslMechanism> = (v) => {
  const m = v.toLowerCase() as SaslMechanism;
  if (!SASL_MECHANISMS.includes(m)) throw new Invalid(`must be plain, scram-sha-256 or scram-sha-512, got ${show(v)}`);
  return m;
};
export const headersJson: Parser<Record<string, string>> = (v) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    parsed = undefined;
  }
  // The value itself is not echoed: it usually carries an API key.
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((x) => typeof x === 'string'))
    throw new Invalid('must be a JSON object of header name → string value, e.g. {"apikey":"…"}');
  return parsed as Record<string, string>;
};
export const webhookSecret: Parser<string> = (v) => {
  if (!v.startsWith('whsec_')) throw new Invalid('must start with whsec_ (a Stripe webhook signing secret)');
  return v;
};

// user:pa/ss@host: the / ends the authority, so the URL does not parse, or parses with the user as its host.
const slashInPassword = (v: string) => /^[a-z][a-z0-9+.-]{0,31}:\/\/[^/?#@\s]{0,256}:[^\s]{0,256}[/?#][^\s]{0,256}@/i.test(v);
const ENCODE_HINT = 'a password with / ? # or @ in it must be percent-encoded (%2F %3F %23 %40)';

/** A URL of one of `protocols` naming a host; `what` is how the message describes it. */
export function urlOf(protocols: string[], what: string): Parser<string> & { what: string } {
  const parse = (v: string): string => {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw new Invalid(`must be ${what}, got ${show(v)} (not a URL${slashInPassword(v) ? `; ${ENCODE_HINT}` : ''})`);
    }
    if (slashInPassword(v)) throw new Invalid(`must be ${what}, got ${show(v)} (${ENCODE_HINT})`);
    if (!protocols.includes(u.protocol)) throw new Invalid(`must be ${what}, got ${show(v)}`);
    if (!u.hostname) throw new Invalid(`must name a host, got ${show(v)}`);
    return v;
  };
  return Object.assign(parse, { what });
}
export const gatewayUrl = urlOf(['http:', 'https:'], 'the gateway base URL, http(s)://host[:port]');
export const postgresUrl = urlOf(['postgres:', 'postgresql:'], 'a postgres:// or postgresql:// URL');
export const redisUrl = urlOf(['redis:', 'rediss:'], 'a redis:// or rediss:// URL');

/** Why a CA file's bytes are not PEM certificates (undefined when they are); pure, so unit-tested. */
export function pemProblem(bytes: Buffer | string): string | undefined {
  const txt = Buffer.isBuffer(bytes) ? bytes.toString('utf8') : bytes;
  if (txt.trim() === '') return 'is empty';
  const blocks = txt.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return /-----BEGIN /.test(txt) ? 'holds PEM blocks but no CERTIFICATE' : 'is not PEM (DER or another format? convert it with `openssl x509 -inform der -in file -out file.pem`)';
  for (const b of blocks) {
    const body = b.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+=*$/.test(body) || Buffer.from(body, 'base64').length < 100) return 'holds a CERTIFICATE block that is not valid base64 DER';
  }
  return undefined;
}
