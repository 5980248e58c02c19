// Reading what an endpoint answered (criteria 4, 5, 6 and P0-06): a certificate error's reason, a plain-HTTP answer, whether raw bytes are Kafka or Redis speaking.

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

/** The reason a TLS connection failed on the server's certificate, or undefined when it failed on something else. */
export function certificateProblem(err: unknown): string | undefined {
  for (let e: any = err; e; e = e.cause) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && CERT_ERRORS[code]) return `${CERT_ERRORS[code]} (${code}${e.message && !String(e.message).includes(code) ? `: ${e.message}` : ''})`;
    if (/Hostname\/IP does not match certificate's altnames/i.test(String(e.message ?? ''))) return `the certificate is for another host (${e.message})`;
  }
  return undefined;
}

export type PlainHttpOutcome =
  | { kind: 'refused'; detail: string }
  | { kind: 'redirect'; detail: string; location: string }
  | { kind: 'serves'; detail: string };

/**
 * What a plain `GET / HTTP/1.1` to an endpoint means for criterion 4. Refused: no HTTP answer (a TLS-only port
 * closes or sends a TLS alert) or a 400 (how nginx/Kong answers plain HTTP on an HTTPS port). Redirect: 301/308 to
 * https:// with no body. Anything else is content served in plaintext. Pure, so unit-tested.
 */
export function classifyPlainHttp(raw: Buffer | string | undefined, error?: string): PlainHttpOutcome {
  const text = raw === undefined ? '' : Buffer.isBuffer(raw) ? raw.toString('latin1') : raw;
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!status) return { kind: 'refused', detail: error ? `no HTTP answer (${error})` : text.length ? `no HTTP answer (${text.length} bytes that are not HTTP)` : 'no HTTP answer (connection closed)' };
  const code = Number(status[1]);
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd >= 0 ? text.slice(0, headEnd) : text;
  const body = headEnd >= 0 ? text.slice(headEnd + 4) : '';
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim();
  const length = header('content-length');
  const hasBody = body.length > 0 || (length !== undefined && length !== '0') || /chunked/i.test(header('transfer-encoding') ?? '');
  if (code === 400) return { kind: 'refused', detail: `HTTP ${code}: plain HTTP refused` };
  if (code === 301 || code === 308) {
    const location = header('location') ?? '';
    if (!location.startsWith('https://')) return { kind: 'serves', detail: `HTTP ${code} redirects to ${location || '(no Location)'}, not to https` };
    if (hasBody) return { kind: 'serves', detail: `HTTP ${code} to ${location}, but with a body` };
    return { kind: 'redirect', detail: `HTTP ${code} → ${location}, no body`, location };
  }
  return { kind: 'serves', detail: `HTTP ${code} served in plaintext${hasBody ? ` with a body (${length ?? body.length} bytes)` : ''}` };
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
