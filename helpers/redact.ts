// Redaction: every known secret and every secret-shaped string (JWTs, bearer tokens, connection-string passwords, signatures) becomes [REDACTED] before anything is written or printed; linear time on any input.
import { escapeRegExp } from './regex';
type Env = Record<string, string | undefined>;
/** The fields of the target's configuration (helpers/config/target-config.ts TargetConfig) that hold secrets; structural, so the configuration (which redacts its own messages) and this module do not import each other. */
export interface SecretBearingConfig {
  kafka: { sasl?: { password: string } };
  db: Record<string, string | undefined>;
  redis: { url: string };
  kong: { url: string; extraHeaders: Record<string, string> };
  stripeWebhookSecret: string;
  captchaTestKey: string;
  jwtTestSigningKey: string;
}

export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not replaced literally: a 1–3 character "secret" would shred every text it occurs in. */
export const MIN_SECRET_LENGTH = 4;

/** The most of one attachment body (or one string inside a JSON attachment) that is written; the rest is counted, not written. */
export const ATTACHMENT_CAP_BYTES = 64 * 1024;

/** The most of a body, row or event an error message quotes. */
export const QUOTE_CAP_CHARS = 500;

/** Header names whose values are always credentials. */
export const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'stripe-signature', 'x-captcha-test-key', 'x-api-key', 'apikey'];

/** Keys (JSON, JS objects, key=value strings) whose values are secrets whole, compared lower-case. */
const SECRET_KEYS = new Set([
  ...SECRET_HEADERS,
  'accesstoken', 'access_token', 'refreshtoken', 'refresh_token', 'idtoken', 'id_token', 'verificationtoken', 'verification_token',
  'sessiontoken', 'session_token', 'token', 'jwt', 'apikey', 'api_key', 'api-key', 'privatekey', 'private_key', 'signingkey', 'signing_key', 'pwd',
]);

/** Whether a key names a secret: a listed name, or anything with password/passwd/passphrase/secret in it. */
export function isSecretKey(key: string): boolean {
  if (key.length > 128) return false;
  const k = key.toLowerCase();
  return SECRET_KEYS.has(k) || /pass(?:word|wd|phrase)|secret/.test(k);
}


const HEADER_ALT = SECRET_HEADERS.map(escapeRegExp).join('|');

/*
 * Every rule below is linear in its input: each one can only start where a run of its leading characters starts (a
 * look-behind rejects every position inside the run), and every quantifier that could rescan text from the next start
 * is bounded. Quoted values are scanned by hand (scanQuoted), not by a backtracking regex. helpers/redact.test.ts times
 * 1 MB of adversarial input and checks that doubling it roughly doubles the time.
 */
const RULES: [RegExp, string][] = [
  // Header lines and JS-object-ish forms: `authorization: Bearer …`, `x-captcha-test-key: '…'` (rest of line: a
  // cookie's value may hold quotes). This is the one rule that can take a JSON string's closing quote with it, so JSON
  // is redacted structurally first (redactDeep), after which this rule finds only [REDACTED] and leaves it.
  [new RegExp(`(^|[\\s{,;(\\[])(${HEADER_ALT})([ \\t]{0,16}[:=][ \\t]{0,16})(?![ \\t])(?!"?\\[REDACTED\\])[^\\r\\n]+`, 'gim'), `$1$2$3${REDACTED}`],
  // JWTs anywhere (header.payload[.signature], base64url; the signature may be empty for alg=none, or cut off).
  [/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}(?:\.[A-Za-z0-9_-]*)?/g, REDACTED],
  // Bearer tokens of any shape.
  [/\b(Bearer)\s{1,16}(?!\[REDACTED\])[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // Stripe webhook secrets, API keys and signature values (t=…,v1=<hex>).
  [/(?<![A-Za-z0-9_])whsec_[A-Za-z0-9+/=_-]+/g, REDACTED],
  [/(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}/g, REDACTED],
  [/\b(v[01])=[0-9a-fA-F]{16,}/g, `$1=${REDACTED}`],
];

// scheme://user: — where a connection string's password begins.
const URL_USER = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s:/?#@"'`<>\\]{0,256}:/g;
/** Longest password looked for: the last @ within this many characters of the colon ends it. */
const MAX_URL_PASSWORD = 256;
const isAddressEnd = (c: number) => c <= 32 || c === 34 /* " */ || c === 39 /* ' */ || c === 96 /* ` */ || c === 60 /* < */ || c === 62 /* > */;

/**
 * Connection-string credentials, parsed or not: scheme://user:pass@host → scheme://user:[REDACTED]@host (the user
 * stays: it helps debugging). The password runs to the LAST @ of the address, so an unencoded / or @ in it
 * (postgres://u:pa/ss@h/db, redis://:p@ss/word@h) is removed whole. The address's end and its last @ are found by
 * two pointers that only move forward, so text with many `://` costs one pass, not one pass per `://`.
 */
function redactUrlCredentials(text: string, cut: boolean): string {
  let out = '';
  let last = 0;
  let addressEnd = 0; // the first address-ending character at or after the current password's start
  let scanned = 0; // every @ before this index has been seen
  let lastAt = -1; // the last @ before `scanned`
  URL_USER.lastIndex = 0;
  for (let m = URL_USER.exec(text); m; m = URL_USER.exec(text)) {
    const from = m.index + m[0].length;
    if (addressEnd < from) addressEnd = from;
    while (addressEnd < text.length && !isAddressEnd(text.charCodeAt(addressEnd))) addressEnd++;
    const end = Math.min(addressEnd, from + MAX_URL_PASSWORD);
    for (; scanned < end; scanned++) if (text.charCodeAt(scanned) === 64 /* @ */) lastAt = scanned;
    if (text.startsWith(`${REDACTED}@`, from)) continue;
    if (lastAt >= from) {
      out += text.slice(last, from) + REDACTED;
      last = lastAt;
      URL_USER.lastIndex = lastAt;
    } else if (cut && end === text.length && end > from) {
      // cut off before the @ that ends the password
      out += text.slice(last, from) + REDACTED;
      last = text.length;
      break;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * Where a quoted value that starts at `from` ends (the index of its closing quote), or text.length when it is never
 * closed (a cut excerpt). `escapedQuotes`: the value sits inside a JSON string, so it is delimited by \" and not by ".
 */
function scanQuoted(text: string, from: number, quote: string, escapedQuotes: boolean): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) {
      if (escapedQuotes && text[i + 1] === quote) return i;
      i++;
    } else if (text[i] === quote) return i;
  }
  return text.length;
}

// "key": "value" in JSON, and \"key\":\"value\" in JSON held inside a JSON string.
const JSON_FIELD = /"([^"\\\n]{1,64})"[ \t\r\n]{0,16}:[ \t\r\n]{0,16}"/g;
const ESCAPED_JSON_FIELD = /\\"([^"\\\n]{1,64})\\"[ \t]{0,16}:[ \t]{0,16}\\"/g;
// key=value, key: value, key='value' (libpq strings, JDBC/ADO.NET parameters, query strings, YAML, printed JS objects).
const KEY_VALUE = /(?<![A-Za-z0-9_.-])([A-Za-z][A-Za-z0-9_.-]{0,63})[ \t]{0,8}([=:])[ \t]{0,8}/g;

function redactQuotedFields(text: string, re: RegExp, escapedQuotes: boolean): string {
  let out = '';
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const valueStart = m.index + m[0].length;
    const end = scanQuoted(text, valueStart, '"', escapedQuotes);
    if (isSecretKey(m[1]) && text.slice(valueStart, end) !== REDACTED) {
      out += text.slice(last, valueStart) + REDACTED;
      last = end;
    }
    // Never rescan a value: a key inside it is not a key of this object.
    re.lastIndex = Math.max(end, valueStart);
  }
  return last === 0 ? text : out + text.slice(last);
}

// A backslash ends a bare value too: it may begin an escape (\" \n) of a JSON string the value sits in.
const BARE_END = /[\s,;&'"}\])\\]/;

function redactKeyValues(text: string): string {
  let out = '';
  let last = 0;
  KEY_VALUE.lastIndex = 0;
  for (let m = KEY_VALUE.exec(text); m; m = KEY_VALUE.exec(text)) {
    if (!isSecretKey(m[1])) continue;
    const valueStart = m.index + m[0].length;
    const q = text[valueStart];
    let start = valueStart;
    let end: number;
    if (q === "'" || q === '"') {
      // A quoted value ends at its quote, and never crosses a line or the other quote (it may sit inside a JSON
      // string, whose closing quote must stay).
      start = valueStart + 1;
      end = start;
      const other = q === "'" ? '"' : "'";
      while (end < text.length && end - start < 1024 && text[end] !== q && text[end] !== other && text[end] !== '\n') {
        // an escaped quote of its own kind is part of the value; any other backslash may begin an escape of the
        // string around it, which must stay whole
        if (text[end] === '\\' && text[end + 1] !== q) break;
        end += text[end] === '\\' ? 2 : 1;
      }
    } else if (q === '\\' && text[valueStart + 1] === '"') {
      // key: \"value\" — a printed object inside a JSON string
      start = valueStart + 2;
      end = scanQuoted(text, start, '"', true);
    } else {
      // A bare value ends at whitespace or a separator of the forms above.
      end = start;
      while (end < text.length && end - start < 512 && !BARE_END.test(text[end])) end++;
    }
    if (end === start || text.startsWith(REDACTED, start)) continue;
    out += text.slice(last, start) + REDACTED;
    last = end;
    KEY_VALUE.lastIndex = end;
  }
  return last === 0 ? text : out + text.slice(last);
}

export interface RedactOptions {
  /** the text is the head of a longer one (a capped body): a secret cut in half at its end is removed too */
  cut?: boolean;
}

/** Applies only the pattern rules (for places that have no secret list at hand). */
export function redactPatterns(text: string, opts: RedactOptions = {}): string {
  if (typeof text !== 'string') text = String(text);
  let out = redactUrlCredentials(text, !!opts.cut);
  for (const [re, rep] of RULES) out = out.replace(re, rep);
  out = redactQuotedFields(out, JSON_FIELD, false);
  out = redactQuotedFields(out, ESCAPED_JSON_FIELD, true);
  return redactKeyValues(out);
}

export interface Redactor {
  (text: string, opts?: RedactOptions): string;
  /** adds secrets learnt later (a test's password, a token it obtained) */
  add(...secrets: (string | undefined | null)[]): void;
}

/**
 * A redactor for a list of known secrets: each secret, its URL-encoded, JSON-escaped and base64 forms are replaced by
 * [REDACTED] (one combined regex, longest first, so a secret containing another is removed whole), then the pattern
 * rules apply.
 */
export function createRedactor(secrets: Iterable<string | undefined | null> = []): Redactor {
  const forms = new Set<string>();
  let list: string[] = [];
  let literal: RegExp | undefined;
  const rebuild = () => {
    list = [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
    literal = list.length ? new RegExp(list.map(escapeRegExp).join('|'), 'g') : undefined;
  };
  const addAll = (more: Iterable<string | undefined | null>) => {
    for (const s of more) {
      if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) continue;
      forms.add(s);
      forms.add(encodeURIComponent(s));
      forms.add(JSON.stringify(s).slice(1, -1));
      forms.add(Buffer.from(s, 'utf8').toString('base64'));
    }
    rebuild();
  };
  addAll(secrets);
  const redact = ((text: string, opts: RedactOptions = {}) => {
    if (typeof text !== 'string') text = String(text);
    let out = literal ? text.replace(literal, REDACTED) : text;
    if (opts.cut) out = withoutCutSecret(out, list);
    return redactPatterns(out, opts);
  }) as Redactor;
  redact.add = (...more) => addAll(more);
  return redact;
}

/** A text cut off in the middle of a known secret ends with its first characters: those go too. */
function withoutCutSecret(text: string, forms: string[]): string {
  let cut = 0;
  const lastChar = text.charCodeAt(text.length - 1);
  for (const f of forms)
    for (let k = Math.min(f.length - 1, text.length); k >= 2 && k > cut; k--)
      if (f.charCodeAt(k - 1) === lastChar && text.endsWith(f.slice(0, k))) {
        cut = k;
        break;
      }
  return cut ? `${text.slice(0, text.length - cut)}${REDACTED}` : text;
}

/** The marker a capped text ends with. */
export const capMarker = (moreBytes: number) => `… [${moreBytes} bytes more]`;

/** The head of a text or body, at most `max` characters (bytes for a Buffer), and how many bytes were left out. */
export function capText(value: string | Buffer, max: number): { head: string; moreBytes: number } {
  if (Buffer.isBuffer(value)) {
    if (value.length <= max) return { head: value.toString('utf8'), moreBytes: 0 };
    return { head: value.subarray(0, max).toString('utf8'), moreBytes: value.length - max };
  }
  if (value.length <= max) return { head: value, moreBytes: 0 };
  let end = max;
  // never split a surrogate pair
  const c = value.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  const head = value.slice(0, end);
  return { head, moreBytes: Buffer.byteLength(value, 'utf8') - Buffer.byteLength(head, 'utf8') };
}

/** Caps first (so the cost is bounded), then redacts the head (a secret cut in half included), then marks what was left out. */
export function redactCapped(value: string | Buffer, max: number, redact: (text: string, opts?: RedactOptions) => string = redactPatterns): string {
  const { head, moreBytes } = capText(value, max);
  return moreBytes ? redact(head, { cut: true }) + capMarker(moreBytes) : redact(head);
}

export interface RedactDeepOptions {
  /** strings longer than this are capped (with the marker); default ATTACHMENT_CAP_BYTES */
  maxString?: number;
}

/**
 * A redacted deep copy: strings through `redact` (capped), values under secret-named keys (password, authorization,
 * …) replaced whole, Buffers decoded as text and redacted, cycles cut.
 */
export function redactDeep<T>(value: T, redact: (text: string, opts?: RedactOptions) => string = redactPatterns, opts: RedactDeepOptions = {}): T {
  const max = opts.maxString ?? ATTACHMENT_CAP_BYTES;
  // Only ancestors count as cycles: the same object reached twice by different paths (shared evidence) is copied twice.
  const ancestors = new Set<object>();
  const walk = (v: unknown, key?: string): unknown => {
    if (key !== undefined && isSecretKey(key) && v !== null && v !== undefined && typeof v !== 'object' && typeof v !== 'boolean') return REDACTED;
    if (typeof v === 'string') return redactCapped(v, max, redact);
    if (Buffer.isBuffer(v)) return redactCapped(v, max, redact);
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Date) return v;
    if (ancestors.has(v)) return '[Circular]';
    if (v instanceof Error) return { name: v.name, message: redactCapped(v.message, max, redact), ...(v.stack ? { stack: redactCapped(v.stack, max, redact) } : {}) };
    ancestors.add(v);
    try {
      if (Array.isArray(v)) return v.map((x) => walk(x));
      const out: Record<string, unknown> = {};
      // Keys too: a test title or a header line can be a key (history's tests), and text passes after this one must find nothing left.
      for (const [k, x] of Object.entries(v)) out[redact(k)] = walk(x, k);
      return out;
    } finally {
      ancestors.delete(v);
    }
  };
  return walk(value) as T;
}

/**
 * The password of a connection URL, also when it does not parse (an unencoded / or @ in it): everything between the
 * user's colon and the address's last @.
 */
export function urlPassword(url: string | undefined): string[] {
  if (!url) return [];
  const out: string[] = [];
  try {
    const p = new URL(url).password;
    if (p) out.push(p);
  } catch {
    /* not a URL: the lenient reading below still finds it */
  }
  const m = /^[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s:/?#@]{0,256}:([^\s]{1,256})@/.exec(url.trim());
  if (m) out.push(m[1]);
  for (const p of [...out])
    try {
      out.push(decodeURIComponent(p));
    } catch {
      /* keep the raw form */
    }
  return [...new Set(out)];
}

/** libpq key/value connection strings (`host=h user=u password=p`): the password. */
function keyValuePassword(v: string): string[] {
  const m = /(?:^|\s)password\s{0,8}=\s{0,8}('(?:[^'\\]|\\.){0,256}'|\S{1,256})/i.exec(v);
  if (!m) return [];
  return [m[1].startsWith("'") ? m[1].slice(1, -1).replace(/\\(.)/g, '$1') : m[1]];
}

/** Every secret a configuration holds: SASL password, DB and Redis URL passwords, webhook secret, CAPTCHA key, JWT key, extra header values. */
export function secretsFromConfig(cfg: SecretBearingConfig): string[] {
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
 * holds real secrets): every *PASSWORD*, *SECRET*, *KEY*, *TOKEN* value, every URL's password (parsed or not, or a
 * libpq key/value string's), and the values of KONG_EXTRA_HEADERS.
 */
export function secretsFromEnv(env: Env): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (!v) continue;
    if (!/^(KAFKA_|KONG_|REDIS_|STRIPE_|CAPTCHA_|JWT_|FLOWGATE_|[A-Z]+_DB_)/.test(k)) continue;
    if (/PASSWORD|SECRET|_KEY$|TOKEN/.test(k) && !/_FILE$/.test(k)) out.push(v);
    if (/_URL$/.test(k)) out.push(...urlPassword(v), ...keyValuePassword(v));
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
