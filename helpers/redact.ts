// Redaction: every known secret and every secret-shaped string (JWTs, bearer tokens, URL passwords, signatures) becomes [REDACTED] before anything is written or printed.
import type { Env, TargetConfig } from './config';

export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not replaced literally: a 1–3 character "secret" would shred every text it occurs in. */
export const MIN_SECRET_LENGTH = 4;

/** Header names whose values are always credentials. */
export const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'stripe-signature', 'x-captcha-test-key', 'x-api-key', 'apikey'];

/** JSON/object keys whose values are always secrets (matched case-insensitively, whole key). */
const SECRET_KEY = /^(.*pass(word|wd|phrase).*|.*secret.*|accesstoken|refreshtoken|verificationtoken|idtoken|apikey|api_key|privatekey|private_key|signingkey|signing_key|authorization|proxy-authorization|cookie|set-cookie|stripe-signature|x-captcha-test-key|x-api-key|jwt|token)$/i;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const HEADER_ALT = SECRET_HEADERS.map(escapeRe).join('|');

/** Pattern rules: secrets recognisable by their shape, no list needed. Order matters (most specific first). */
const RULES: [RegExp, string][] = [
  // URL credentials: scheme://user:pass@host → scheme://user:[REDACTED]@host (user stays: it helps debugging).
  [/([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@"'`]*):([^@\s/"'`]+)@/gi, `$1:${REDACTED}@`],
  // JSON fields, plain and escaped inside a JSON string: "password": "…" / \"password\":\"…\"
  [/("(?:[^"\\]*pass(?:word|wd|phrase)[^"\\]*|[^"\\]*secret[^"\\]*|accessToken|refreshToken|verificationToken|idToken|apiKey|api_key|token|jwt|authorization|proxy-authorization|cookie|set-cookie|stripe-signature|x-captcha-test-key|x-api-key|apikey)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`],
  [/(\\"(?:[^"\\]*pass(?:word|wd|phrase)[^"\\]*|[^"\\]*secret[^"\\]*|accessToken|refreshToken|verificationToken|token|authorization|cookie|stripe-signature|x-captcha-test-key|x-api-key)\\"\s*:\s*)\\"(?:[^"\\]|\\[^"])*\\"/gi, `$1\\"${REDACTED}\\"`],
  // Header lines and JS-object-ish forms: `authorization: Bearer …`, `x-captcha-test-key: '…'` (rest of line).
  [new RegExp(`(^|[\\s{,;(\\[])(${HEADER_ALT})([ \\t]*[:=][ \\t]*)(?![ \\t])(?!"?\\[REDACTED\\])[^\\r\\n]+`, 'gim'), `$1$2$3${REDACTED}`],
  // JWTs anywhere (header.payload.signature, base64url; the signature may be empty for alg=none).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Bearer tokens of any shape.
  [/\b(Bearer)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // Stripe webhook secrets and signature values (t=…,v1=<hex>).
  [/\bwhsec_[A-Za-z0-9+/=_-]+/g, REDACTED],
  [/\b(v[01])=[0-9a-fA-F]{16,}/g, `$1=${REDACTED}`],
];

/** Applies only the pattern rules (for places that have no secret list at hand). */
export function redactPatterns(text: string): string {
  let out = text;
  for (const [re, rep] of RULES) out = out.replace(re, rep);
  return out;
}

/**
 * A redactor for a list of known secrets: each secret, its URL-encoded form and its JSON-escaped form are
 * replaced by [REDACTED] (longest first, so a secret containing another is removed whole), then the
 * pattern rules apply.
 */
export function createRedactor(secrets: Iterable<string | undefined | null>): (text: string) => string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
    forms.add(JSON.stringify(s).slice(1, -1));
    forms.add(Buffer.from(s, 'utf8').toString('base64'));
  }
  const list = [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  const literal = list.length ? new RegExp(list.map(escapeRe).join('|'), 'g') : undefined;
  return (text: string) => {
    if (typeof text !== 'string') text = String(text);
    const out = literal ? text.replace(literal, REDACTED) : text;
    return redactPatterns(out);
  };
}

/**
 * A redacted deep copy: strings through `redact`, values under secret-named keys (password, authorization,
 * …) replaced whole, Buffers decoded as text and redacted, cycles cut.
 */
export function redactDeep<T>(value: T, redact: (text: string) => string = redactPatterns): T {
  // Only ancestors count as cycles: the same object reached twice by different paths (shared evidence) is copied twice.
  const ancestors = new Set<object>();
  const walk = (v: unknown, key?: string): unknown => {
    if (key !== undefined && SECRET_KEY.test(key) && v !== null && v !== undefined && typeof v !== 'object' && typeof v !== 'boolean') return REDACTED;
    if (typeof v === 'string') return redact(v);
    if (Buffer.isBuffer(v)) return redact(v.toString('utf8'));
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Date) return v;
    if (ancestors.has(v)) return '[Circular]';
    if (v instanceof Error) return { name: v.name, message: redact(v.message), ...(v.stack ? { stack: redact(v.stack) } : {}) };
    ancestors.add(v);
    try {
      if (Array.isArray(v)) return v.map((x) => walk(x));
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, k);
      return out;
    } finally {
      ancestors.delete(v);
    }
  };
  return walk(value) as T;
}

function urlPassword(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const p = new URL(url).password;
    if (!p) return [];
    let decoded = p;
    try {
      decoded = decodeURIComponent(p);
    } catch {
      /* keep the raw form */
    }
    return [p, decoded];
  } catch {
    return [];
  }
}

/** Every secret a configuration holds: SASL password, DB and Redis URL passwords, webhook secret, CAPTCHA key, JWT key, extra header values. */
export function secretsFromConfig(cfg: TargetConfig): string[] {
  const out = [
    cfg.kafka.sasl?.password,
    ...Object.values(cfg.db).flatMap((u) => urlPassword(u)),
    ...urlPassword(cfg.redis.url),
    ...urlPassword(cfg.kong.url),
    cfg.stripeWebhookSecret,
    cfg.captchaTestKey,
    cfg.jwtTestSigningKey,
    // Extra gateway headers exist to carry staging API keys.
    ...Object.values(cfg.kong.extraHeaders),
  ];
  return [...new Set(out.filter((s): s is string => typeof s === 'string' && s.length > 0))];
}

/**
 * Secrets straight from raw variables, for when the configuration does not parse (a half-valid .env still
 * holds real secrets): every *PASSWORD*, *SECRET*, *KEY*, *TOKEN* value, every URL's password, and the
 * values of KONG_EXTRA_HEADERS.
 */
export function secretsFromEnv(env: Env): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (!v) continue;
    if (!/^(KAFKA_|KONG_|REDIS_|STRIPE_|CAPTCHA_|JWT_|FLOWGATE_|[A-Z]+_DB_)/.test(k)) continue;
    if (/PASSWORD|SECRET|_KEY$|TOKEN/.test(k) && !/_FILE$/.test(k)) out.push(v);
    if (/_URL$/.test(k)) out.push(...urlPassword(v));
    if (k === 'KONG_EXTRA_HEADERS') {
      try {
        const h = JSON.parse(v);
        if (h && typeof h === 'object') out.push(...Object.values(h).filter((x): x is string => typeof x === 'string'));
      } catch {
        /* malformed: nothing recognisable to add */
      }
    }
  }
  return [...new Set(out)];
}
