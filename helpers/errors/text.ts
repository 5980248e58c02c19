// Text helpers for error messages: bounded, redacted one-line excerpts, durations, addresses without credentials, first lines.
import { capMarker, capText, QUOTE_CAP_CHARS, redactPatterns } from '../redact';

/** Longest excerpt of a body/value quoted in a message: enough to see what came, short enough for a console. */
export const EXCERPT_CHARS = QUOTE_CAP_CHARS;

/**
 * How far past the excerpt the text is redacted before it is cut: a secret that starts inside the excerpt and ends
 * after it is still recognised whole (a token field's closing quote, a URL's @).
 */
const EXCERPT_LOOKAHEAD = 2_048;

export function truncate(text: string, max = EXCERPT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more chars)`;
}

/** Line breaks and the blanks around them become one space (a hand loop: a regex such as \s*\n\s* is quadratic on long blank runs). */
function oneLine(s: string): string {
  if (!s.includes('\n')) return s;
  return s
    .split('\n')
    .map((l, i, all) => (i === 0 ? l.trimEnd() : i === all.length - 1 ? l.trimStart() : l.trim()))
    .filter((l, i, all) => l !== '' || i === 0 || i === all.length - 1)
    .join(' ');
}

/**
 * Any value as a one-line excerpt for a message: strings as they are, Buffers decoded, the rest JSON; capped before
 * it is redacted (secret-shaped text: tokens, token fields, connection-string passwords), and the part left out
 * counted: `… [N bytes more]`. The reporters redact known secrets again; this makes the message safe where it is made.
 */
export function excerpt(value: unknown, max = EXCERPT_CHARS): string {
  if (value === undefined) return '(none)';
  if (value === null) return 'null';
  let s: string | Buffer;
  if (Buffer.isBuffer(value) || typeof value === 'string') s = value;
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = String(value);
    }
  }
  const window = capText(s, max + EXCERPT_LOOKAHEAD);
  const safe = oneLine(redactPatterns(window.head, { cut: window.moreBytes > 0 }));
  if (safe.length <= max && window.moreBytes === 0) return safe;
  const { head, moreBytes } = capText(safe, max);
  return `${head}${capMarker(moreBytes + window.moreBytes)}`;
}

/** 10000 → '10 s', 1500 → '1.5 s', 250 → '250 ms': budgets read the way the criteria write them. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * An address with any user:password@ removed, so an error never carries a credential; the userinfo runs to the
 * address's last @, so a password with an unencoded / or @ goes whole (postgres://u:pa/ss@h/db → postgres://h/db).
 * Linear: the scheme can only start where a run of scheme characters starts, and the userinfo is bounded.
 */
export function withoutCredentials(address: string): string {
  return address.replace(/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/)(?:[^\s:/?#@"'\x60<>]{0,256}:[^\s"'\x60<>]{0,256}|[^\s/?#@"'\x60<>]{0,256})@/gi, '$1');
}

/** The first line of an error's message, without ANSI colours (for tables and summaries). */
export function firstLine(message: string | undefined): string {
  return stripAnsi(message ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
