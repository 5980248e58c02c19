// The compliance matrix §3's P0 gaps a scan of the given source decides (P0-06 DB_SSL off by default, P0-07 secrets in compose/.env, P0-10 CSRF key random fallback): the rules and their decision.
import type { FileKind } from './secret-rules';

export interface SourceFile {
  /** path relative to the scanned directory */
  file: string;
  kind: FileKind;
  content: string;
}

export interface GapHit {
  file: string;
  line: number;
  rule: string;
  message: string;
  /** set when the hit is in a commit of the git history, not in the tree */
  commit?: string;
}

/**
 * One gap as the source shows it: `decided` false when there is nothing to judge (no source given, or no file that
 * configures what the gap is about), with the reason; else the hits (none: remediated) and the files it looked at.
 */
export interface GapDecision {
  gap: string;
  decided: boolean;
  reason?: string;
  /** the files that configure what the gap is about (at most MAX_RELEVANT) */
  relevant: string[];
  hits: GapHit[];
}

const MAX_RELEVANT = 10;
const WINDOW = 3;

/** Lines that talk to a database: a `ssl: false` near one of them is the database connection's. */
const DB_CONTEXT = /\b(pg|postgres(ql)?|Pool|Client|knex|sequelize|typeorm|DataSource|prisma|database|DB_[A-Z_]+|sql)\b/i;
const P0_06_RULES: { rule: string; re: RegExp; message: string }[] = [
  { rule: 'P0-06/db-ssl-false', re: /\bDB_SSL\b["']?[ \t]{0,4}[:=][ \t]{0,4}["']?(false|0|off|no|disabled?)\b/i, message: 'DB_SSL set to false' },
  { rule: 'P0-06/db-ssl-default-false', re: /\bDB_SSL\b[^\n]{0,40}?(?:\|\||\?\?|:-|,)[ \t]{0,4}["']?(false|0|off|no)\b/i, message: 'DB_SSL defaults to false when unset' },
  { rule: 'P0-06/db-ssl-opt-in', re: /\bDB_SSL\b["')\]]{0,3}[ \t]{0,4}===?[ \t]{0,4}["'](true|1|on|yes)["']/i, message: "DB_SSL is on only when set to 'true', so off when unset" },
  { rule: 'P0-06/sslmode-plaintext', re: /\bsslmode[ \t]{0,4}[=:][ \t]{0,4}["']?(disable|allow)\b/i, message: 'sslmode allows a plaintext database connection' },
];
const SSL_FALSE = /\bssl["']?[ \t]{0,4}[:=][ \t]{0,4}["']?false\b/i;
/** What shows a file configures the database connection's TLS. */
const P0_06_RELEVANT = /\bDB_SSL\b|\bsslmode\b/i;

/** A CSRF key setting read from the environment (CSRF_ENCRYPTION_KEY, CSRF_SECRET_KEY, CSRF_SECRET). */
const CSRF_KEY = /\bCSRF_[A-Z_]{0,30}(KEY|SECRET)\b/;
const RANDOM = /randomBytes|randomUUID|getRandomValues|generateKey(Sync)?|crypto\.random|secrets\.token_|rand\.Read|SecureRandom|Math\.random|uuid(v4)?\(/;
/** The same line: the key, then `||`, `??`, `or`, `?:` or orElse, then a random key. */
const SAME_LINE_FALLBACK = new RegExp(`${CSRF_KEY.source}.{0,120}?(\\|\\||\\?\\?|\\bor\\b|\\?\\s|\\borElse)`);
/** The variable the key is read into: `key = …CSRF_…`, `k := os.Getenv("CSRF_…")`. */
const ASSIGNED_TO = /([A-Za-z_$][\w$]{0,40})\s*(?::=|=)(?!=)/;

function lines(f: SourceFile): string[] {
  return f.content.split(/\r?\n/);
}

/** P0-06 over the files that can configure a database connection (code, config, env, compose, Dockerfiles). */
export function dbSslRule(files: SourceFile[]): GapDecision {
  const hits: GapHit[] = [];
  const relevant: string[] = [];
  for (const f of files) {
    if (f.kind === 'key' || f.kind === 'rc') continue;
    if (!P0_06_RELEVANT.test(f.content) && !SSL_FALSE.test(f.content)) continue;
    const ls = lines(f);
    let seen = P0_06_RELEVANT.test(f.content);
    for (let i = 0; i < ls.length; i++) {
      const text = ls[i];
      if (text.length > 4096) continue;
      for (const r of P0_06_RULES) if (r.re.test(text)) hits.push({ file: f.file, line: i + 1, rule: r.rule, message: r.message });
      if (SSL_FALSE.test(text) && DB_CONTEXT.test(ls.slice(Math.max(0, i - 5), i + 1).join('\n'))) {
        seen = true;
        hits.push({ file: f.file, line: i + 1, rule: 'P0-06/ssl-false', message: 'database connection with ssl: false' });
      }
    }
    if (seen && relevant.length < MAX_RELEVANT) relevant.push(f.file);
  }
  if (!relevant.length && !hits.length) return { gap: 'P0-06', decided: false, reason: 'no file configures the database connection\'s TLS (DB_SSL, sslmode, ssl:)', relevant, hits };
  return { gap: 'P0-06', decided: true, relevant, hits };
}

/**
 * Line `i` reads a CSRF key: does it fall back to a random one? On the same line (`env.KEY || randomBytes(32)`), or
 * within the next WINDOW lines a random value given to the variable the key was read into (`if (!key) key = …`,
 * `if k == "" { rand.Read(b) … }`), or in an if-block opened on the line before it that tests that variable.
 */
function fallsBackToRandom(ls: string[], i: number): boolean {
  const text = ls[i];
  const at = text.search(CSRF_KEY);
  if (SAME_LINE_FALLBACK.test(text) && RANDOM.test(text.slice(at))) return true;
  const v = ASSIGNED_TO.exec(text.slice(0, at))?.[1];
  if (!v) return false;
  const mentions = new RegExp(`(^|[^\\w$])${v.replace(/\$/g, '\\$')}([^\\w$]|$)`);
  for (let k = i + 1; k <= i + WINDOW && k < ls.length; k++) {
    if (!RANDOM.test(ls[k])) continue;
    if (mentions.test(ls[k])) return true;
    const prev = ls[k - 1];
    if (/\bif\b/.test(prev) && mentions.test(prev) && /\{\s*$/.test(prev)) return true;
  }
  return false;
}

/** P0-10 over code: a CSRF key read whose next lines make a random key when it is unset. */
export function csrfKeyRule(files: SourceFile[]): GapDecision {
  const hits: GapHit[] = [];
  const relevant: string[] = [];
  for (const f of files) {
    if (f.kind !== 'code' || !CSRF_KEY.test(f.content)) continue;
    if (relevant.length < MAX_RELEVANT) relevant.push(f.file);
    const ls = lines(f);
    for (let i = 0; i < ls.length; i++) {
      const text = ls[i];
      if (text.length > 4096 || !CSRF_KEY.test(text)) continue;
      if (fallsBackToRandom(ls, i)) hits.push({ file: f.file, line: i + 1, rule: 'P0-10/csrf-key-random-fallback', message: `${CSRF_KEY.exec(text)![0]} falls back to a random (ephemeral) key when unset` });
    }
  }
  if (!relevant.length) return { gap: 'P0-10', decided: false, reason: 'no source file reads CSRF_ENCRYPTION_KEY (or another CSRF_*_KEY/SECRET)', relevant, hits };
  return { gap: 'P0-10', decided: true, relevant, hits };
}

/** P0-07 from the secret scan: its findings in compose and env files (tree and history); decided when such files exist. */
export function composeEnvSecretsRule(files: SourceFile[], findings: GapHit[]): GapDecision {
  const kinds = new Map(files.map((f) => [f.file, f.kind]));
  const relevant = files.filter((f) => f.kind === 'compose' || f.kind === 'env').map((f) => f.file);
  const isComposeOrEnv = (file: string) => {
    const k = kinds.get(file);
    if (k) return k === 'compose' || k === 'env';
    // a file only in the history: judged by its name as the scan judged it
    const base = file.split('/').pop() ?? file;
    return /^\.env(\..+)?$|\.env$|(^|[-_.])compose([-_.][^/]*)?\.ya?ml$/i.test(base);
  };
  const hits = findings.filter((f) => isComposeOrEnv(f.file));
  if (!relevant.length && !hits.length) return { gap: 'P0-07', decided: false, reason: 'no compose file or .env file in the source', relevant, hits };
  return { gap: 'P0-07', decided: true, relevant: relevant.slice(0, MAX_RELEVANT), hits };
}

export const formatHit = (h: GapHit) => `${h.file}:${h.line}${h.commit ? ` (commit ${h.commit.slice(0, 12)})` : ''} ${h.rule}: ${h.message}`;
