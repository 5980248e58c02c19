// Reading what an endpoint answered (criteria 4, 5, 6 and P0-06): a certificate error's reason, a plain-HTTP answer, whether raw bytes are Kafka or Redis speaking.
import { isUnreachable } from './errors/unreachable';

/** Node's codes for a certificate that did not verify, with what they mean to a reader of the verdict. */
const CERT_ERRORS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another host',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed (untrusted)',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in an untrusted self-signed CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is signed by an untrusted CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is signed by an untrusted CA',
  UNABLE_TO_GET_ISSUER_CERT: 'the certificate is signed by an untrusted CA',
  CERT_SIGNATURE_FAILURE: 'the certificate signature does not verify',
  CERT_REVOKED: 'the certificate is revoked',
  CERT_UNTRUSTED: 'the certificate is not trusted',
};

/**
 * The reason a TLS connection failed on the server's certificate, or undefined when it failed on something else.
 * The socket's error is looked for under causes and an aggregate's errors (the Kafka client's retries running out
 * around its NetworkError around the TLS error), a few levels deep.
 */
export function certificateProblem(err: unknown, depth = 0): string | undefined {
  const e: any = err;
  if (!e || typeof e !== 'object' || depth > 4) return undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && CERT_ERRORS[code]) return `${CERT_ERRORS[code]} (${code}${e.message && !String(e.message).includes(code) ? `: ${e.message}` : ''})`;
  if (/Hostname\/IP does not match certificate's altnames/i.test(String(e.message ?? ''))) return `the certificate is for another host (${e.message})`;
  for (const inner of [e.cause, ...(Array.isArray(e.errors) ? e.errors.slice(0, 5) : [])]) {
    const found = certificateProblem(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export type PlainHttpOutcome =
  | { kind: 'refused'; detail: string }
  | { kind: 'redirect'; detail: string; location: string }
  | { kind: 'tls'; detail: string }
  | { kind: 'closed'; detail: string }
  | { kind: 'serves'; detail: string };

/** True when the bytes start a TLS record (an alert 0x15 or a handshake 0x16, version 3.x): a TLS port answering plaintext. */
export function isTlsRecord(bytes: Buffer): boolean {
  return bytes.length >= 3 && (bytes[0] === 0x15 || bytes[0] === 0x16) && bytes[1] === 0x03;
}

/**
 * What a plain `GET / HTTP/1.1` to a port means for criterion 4. Only two answers are a refusal of plain HTTP: no
 * connection at all (refused, unreachable, no connect within the budget) and a bodiless 301/308 to https://
 * (redirect). A TLS port is recorded as what it is, not as a refusal: a TLS alert, or the 400 nginx/Kong answer
 * ("plain HTTP request was sent to HTTPS port"), is `tls`; a port that takes the connection and closes it without
 * an HTTP answer is `closed`. Neither serves plain HTTP. Any other HTTP answer (a 404, a 400 of a plain server, a
 * 302) is a plaintext HTTP server answering: `serves`. Pure, so unit-tested.
 */
export function classifyPlainHttp(raw: Buffer | string | undefined, error?: string): PlainHttpOutcome {
  const bytes = raw === undefined ? Buffer.alloc(0) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'latin1');
  const text = bytes.toString('latin1');
  if (!bytes.length && error && isUnreachable(error, { neverConnected: true })) return { kind: 'refused', detail: `connection refused (${error})` };
  if (isTlsRecord(bytes)) return { kind: 'tls', detail: `a TLS port: it answered plain HTTP with a TLS ${bytes[0] === 0x15 ? 'alert' : 'record'}, not HTTP` };
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!status)
    return { kind: 'closed', detail: `accepted the connection but gave no HTTP answer (${error ?? (bytes.length ? `${bytes.length} bytes that are not HTTP` : 'closed without a byte')})` };
  const code = Number(status[1]);
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd >= 0 ? text.slice(0, headEnd) : text;
  const body = headEnd >= 0 ? text.slice(headEnd + 4) : '';
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim();
  const length = header('content-length');
  const hasBody = body.length > 0 || (length !== undefined && length !== '0') || /chunked/i.test(header('transfer-encoding') ?? '');
  if (code === 400 && /HTTPS port|TLS port|SSL port/i.test(body.slice(0, 2048))) return { kind: 'tls', detail: `a TLS port: HTTP 400 "${body.slice(0, 80).replace(/\s+/g, ' ').trim()}"` };
  if (code === 301 || code === 308) {
    const location = header('location') ?? '';
    if (!location.startsWith('https://')) return { kind: 'serves', detail: `HTTP ${code} redirects to ${location || '(no Location)'}, not to https` };
    if (hasBody) return { kind: 'serves', detail: `HTTP ${code} to ${location}, but with a body` };
    return { kind: 'redirect', detail: `HTTP ${code} → ${location}, no body`, location };
  }
  return { kind: 'serves', detail: `HTTP ${code} served in plaintext${hasBody ? ` with a body (${length ?? body.length} bytes)` : ''}` };
}

/** Criterion 4 fails on a port that serves plain HTTP; refused, redirect-only, a TLS port and a silent close do not serve it. */
export const servesPlainHttp = (o: PlainHttpOutcome): boolean => o.kind === 'serves';

/**
 * An admin port (Kong's 8001/8444) must not answer from where the harness stands: only no connection at all is ok.
 * A TLS alert still means the admin listener is reachable. Pure, so unit-tested.
 */
export function adminPortOutcome(connected: boolean, error?: string): { ok: boolean; detail: string } {
  if (!connected) return { ok: true, detail: `no connection (${error ?? 'refused'})` };
  return { ok: false, detail: 'accepts connections from outside: an admin API port must not be reachable here' };
}

/** The ports a role is conventionally served on, which criteria 4, 5, 6 try on the target's hosts whatever is configured. */
export interface ConventionalPorts {
  /** plain HTTP on the gateway's host (Kong's proxy_listen defaults 8000, and 80) */
  http: number[];
  /** Kong's admin API (8001 plain, 8444 TLS): must not answer at all */
  admin: number[];
  /** Kafka's plaintext default on each broker host, besides the advertised ports */
  kafka: number[];
  /** Redis' plaintext default on the Redis host */
  redis: number[];
}

export const DEFAULT_CONVENTIONAL_PORTS: ConventionalPorts = { http: [80, 8000], admin: [8001, 8444], kafka: [9092], redis: [6379] };

/**
 * FLOWGATE_CONVENTIONAL_PORTS: `http=80/8000,admin=8001/8444,kafka=9092,redis=6379` (no `;` or space, so a shell or an
 * env file takes it unquoted). A role left out keeps its default; a role given replaces it (`admin=` tries none). Throws
 * naming what was expected and what came. Pure, so unit-tested.
 */
export function parseConventionalPorts(value: string): ConventionalPorts {
  const out: ConventionalPorts = { ...DEFAULT_CONVENTIONAL_PORTS };
  const roles = Object.keys(DEFAULT_CONVENTIONAL_PORTS) as (keyof ConventionalPorts)[];
  const seen = new Set<string>();
  for (const part of value.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^([a-z]+)=([0-9/]*)$/.exec(part);
    if (!m || !roles.includes(m[1] as keyof ConventionalPorts))
      throw new Error(`expected role=port/port,… with roles ${roles.join(', ')}, got ${JSON.stringify(part.slice(0, 60))}`);
    if (seen.has(m[1])) throw new Error(`role ${m[1]} is given twice`);
    seen.add(m[1]);
    const ports = m[2].split('/').filter(Boolean);
    const bad = ports.filter((p) => !/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535);
    if (bad.length) throw new Error(`${m[1]}: ports must be 1-65535, got ${bad.map((b) => JSON.stringify(b.slice(0, 12))).join(', ')}`);
    out[m[1] as keyof ConventionalPorts] = [...new Set(ports.map(Number))];
  }
  return out;
}

/** One endpoint a plaintext attempt goes to, and why it is tried. */
export interface Candidate {
  endpoint: string;
  source: string;
}

/** Adds host:port to the candidates unless it is there already (the first reason to try it is kept). */
export function addCandidate(list: Candidate[], endpoint: string, source: string): void {
  if (!list.some((c) => c.endpoint === endpoint)) list.push({ endpoint, source });
}

/** `host:port` with an IPv6 host in brackets. */
export const joinHostPort = (host: string, port: number): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * Criterion 5's plaintext candidates: the endpoints the metadata advertises, every listener the configuration names,
 * and on each broker host the conventional Kafka ports and every advertised port (a plaintext listener beside a TLS
 * one is often the same port family on the same host, and it is never in the metadata the harness is shown). Pure.
 */
export function kafkaCandidates(o: { advertised: string[]; configured: Candidate[]; hosts: string[]; conventional: number[] }): Candidate[] {
  const out: Candidate[] = [];
  for (const a of o.advertised) addCandidate(out, a, 'advertised in the metadata');
  for (const c of o.configured) addCandidate(out, c.endpoint, c.source);
  const ports = [...new Set([...o.conventional, ...o.advertised.map((a) => splitHostPort(a).port)])];
  const hosts = [...new Set([...o.hosts, ...o.advertised.map((a) => splitHostPort(a).host)])];
  for (const h of hosts) for (const p of ports) addCandidate(out, joinHostPort(h, p), o.conventional.includes(p) ? `a conventional Kafka port on the broker host ${h}` : `an advertised port on the broker host ${h}`);
  return out;
}

/**
 * What a criterion can claim when nothing spoke plaintext: pass when the configuration was read, otherwise the reason
 * a person must sign it off (a listener on a port not tried cannot be seen). Pure, so unit-tested.
 */
export function unseenReason(o: { what: string; configRead: boolean; configError?: string; tried: string[] }): string | undefined {
  if (o.configRead) return undefined;
  return `${o.what} could not be read (${o.configError ?? 'denied'}) and nothing answered in plaintext on the ${o.tried.length} endpoint(s) tried (${o.tried.join(', ')}): a plaintext port elsewhere cannot be seen; a sign-off decides`;
}

/** A Kafka ApiVersions v0 request with this correlation id (what "speaks Kafka" is tested with). */
export function apiVersionsRequest(correlationId: number, clientId = 'flowgate-transport'): Buffer {
  const id = Buffer.from(clientId, 'utf8');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + id.length);
  body.writeInt16BE(18, 0); // ApiVersions
  body.writeInt16BE(0, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(id.length, 8);
  id.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** True when the bytes are a Kafka response to our request: a sane size and our correlation id. */
export function speaksKafka(bytes: Buffer, correlationId: number): boolean {
  if (bytes.length < 10) return false;
  const size = bytes.readInt32BE(0);
  return size >= 6 && size < 1_000_000 && bytes.readInt32BE(4) === correlationId;
}

/** True when the bytes are a RESP answer to PING (+PONG, or an error such as -NOAUTH: either way, Redis in plaintext). */
export function speaksRedis(bytes: Buffer): boolean {
  return /^[+-][A-Za-z]/.test(bytes.toString('latin1')) && bytes.includes('\r\n');
}

/**
 * What PostgreSQL's answer to a plaintext login with a made-up role and password says about P0-06. The role is made up so
 * no credential travels in clear; the answer still tells: pg_hba.conf turns a plaintext connection away before it looks at
 * the password ("no pg_hba.conf entry … no encryption", "pg_hba.conf rejects connection … SSL off", 28000), while a server
 * that accepts plaintext goes on to authenticate and refuses the made-up login (28P01 "password authentication failed",
 * or "role … does not exist" under trust), or lets it in. No server answer at all (reset, closed) is a refusal; any other
 * server error cannot be decided. Pure, so unit-tested.
 */
export function pgPlaintextOutcome(err: { code?: unknown; message?: unknown; severity?: unknown } | undefined): { accepted: boolean | undefined; answered: string } {
  if (!err) return { accepted: true, answered: 'the server let a made-up role in without TLS (trust over plaintext; P0-06: DB_SSL not enforced)' };
  const message = String(err.message ?? '').slice(0, 300);
  const code = typeof err.code === 'string' ? err.code : '';
  // pg's DatabaseError carries the server's severity; a socket error (ECONNRESET, EPIPE) does not
  if (typeof err.severity !== 'string') return { accepted: false, answered: `refused: ${code ? `${code} ` : ''}${message}`.trim() };
  if (code === '28000' && /pg_hba\.conf/i.test(message)) return { accepted: false, answered: `refused by pg_hba.conf before authentication: ${message}` };
  if (code === '28P01' || code === '28000' || code === '3D000')
    return { accepted: true, answered: `the server took a plaintext connection as far as authentication (${code}: ${message}): it accepts plaintext logins (P0-06: DB_SSL not enforced)` };
  return { accepted: undefined, answered: `could not decide: the server answered the plaintext login with ${code || 'an error'} ${message}`.trim() };
}

/** The host:port endpoints in a Kafka listeners value such as `SASL_SSL://h:1,PLAINTEXT://h:2`, with their listener names. */
export function parseListeners(value: string | undefined): { listener: string; endpoint: string }[] {
  return (value ?? '')
    .split(',')
    .map((x) => x.trim())
    .map((x) => /^([A-Za-z0-9_]+):\/\/(\[[^\]]+\]|[^:]*):(\d+)$/.exec(x))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ listener: m[1], endpoint: `${m[2] || '127.0.0.1'}:${m[3]}` }));
}

/** host and port of `host:port` (IPv6 in brackets). */
export function splitHostPort(endpoint: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(endpoint);
  if (!m) throw new Error(`not host:port: ${endpoint}`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}
