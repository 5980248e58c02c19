// Criterion 3's own rules, for what secretlint's rules do not see: literal values of secret-named settings, secret defaults of env reads, Stripe keys, credentials in URLs of other schemes; and which files a service commits.

/** What a scanned file is, by its name: it decides which rules apply and what counts as service source. */
export type FileKind = 'env' | 'compose' | 'docker' | 'config' | 'rc' | 'key' | 'code';

export interface RuleHit {
  /** 1-based line in the text given */
  line: number;
  rule: string;
  /** what was found, never the value */
  message: string;
}

const CODE_EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|go|java|kt|kts|scala|groovy|py|rb|php|cs|rs|swift|sh|bash|zsh|sql)$/i;
const CONFIG_EXT = /\.(ya?ml|json|toml|ini|cfg|conf|properties|xml|tf|tfvars|hcl)$/i;
/** Lock files and source maps: generated, large, and full of hashes that are no secret. */
const GENERATED = /^(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.ya?ml|go\.sum|Cargo\.lock|composer\.lock|poetry\.lock|Gemfile\.lock)$|\.(min\.js|map)$/i;

/** The kind of a file by its base name; undefined when it is not scanned (docs, images, other dotfiles). */
export function fileKind(name: string): FileKind | undefined {
  if (GENERATED.test(name)) return undefined;
  // .env, .env.production, .env.example; prod.env, secrets.env
  if (/^\.env(\..+)?$/.test(name) || /\.env$/i.test(name)) return 'env';
  if (/^(Dockerfile|Containerfile)(\..+)?$/.test(name) || /\.(dockerfile|containerfile)$/i.test(name)) return 'docker';
  if (/(^|[-_.])compose([-_.][^/]*)?\.ya?ml$/i.test(name)) return 'compose';
  if (/^\.(npmrc|yarnrc(\.yml)?|pypirc|netrc|pgpass|git-credentials)$/.test(name)) return 'rc';
  if (/^id_(rsa|dsa|ecdsa|ed25519)$/.test(name) || /\.(pem|key|p8)$/i.test(name)) return 'key';
  if (name.startsWith('.')) return undefined;
  if (CODE_EXT.test(name)) return 'code';
  if (CONFIG_EXT.test(name)) return 'config';
  return undefined;
}

/** Kinds that show a directory holds a service's source (a tree of only docs or key files is not one). */
export const SERVICE_KINDS: readonly FileKind[] = ['env', 'compose', 'docker', 'code'];

/**
 * Values that stand for a secret without being one, decided here once: empty; an interpolation or template
 * (`${VAR}`, `$VAR`, `{{ var }}`, `<secret>`, `%(var)s`); runs of x, * or .; and the usual words people put in examples
 * (change-me, replace-me, changeit, placeholder, your-…, example, dummy, redacted, todo, none/null/undefined, and the
 * bare words secret/password). Anything else assigned to a secret-named setting is a literal secret.
 */
export function isPlaceholder(raw: string): boolean {
  const v = raw.trim();
  if (v === '') return true;
  if (/^[$%]|^\{\{|^<[^>]*>$|^!/.test(v)) return true;
  if (/^(x+|\*+|\.+|-+|_+|0+)$/i.test(v)) return true;
  if (/change[-_ ]?(me|it)|replace[-_ ]?(me|this|with)|placeholder|^your[-_ ]|example|dummy|redacted|^(todo|tbd|fixme|none|null|nil|undefined|secret|password|passwd|token|key|empty|unset|not[-_ ]?set|test)$/i.test(v)) return true;
  return false;
}

/** UPPER_SNAKE of a setting's name: dbPassword, db-password, spring.datasource.password → DB_PASSWORD, …_PASSWORD. */
const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[.\-\s]+/g, '_').toUpperCase();

/** Config and env files: every setting whose name ends in a secret word. */
const CONFIG_SECRET_NAME = /(^|_)(PASSWORD|PASSWD|PWD|PASS|PASSPHRASE|SECRET|TOKEN|API_?KEY)$|_(KEY|SECRET)$/;
/** Code: only names that say secret outright (a `cacheKey` or `sortKey` in code is no secret). */
const CODE_SECRET_NAME = /(^|_)(PASSWORD|PASSWD|PWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|SECRET_KEY|PRIVATE_KEY|ACCESS_KEY|ENCRYPTION_KEY|SIGNING_KEY|AUTH_KEY|MASTER_KEY|CLIENT_SECRET|WEBHOOK_SECRET)$/;
/** Names that end in a secret word but hold something else. */
const NOT_SECRET_NAME = /(_FILE|_PATH|_DIR|_URL_ENV|_ENV|_NAME|_HEADER|_FIELD|_PARAM|_PREFIX|_LENGTH|_TTL|_TYPE|_ALGORITHM|_ALG)$|^(NO|SKIP|USE|ENABLE|DISABLE|REQUIRE)_/;

export function isSecretName(name: string, kind: FileKind): boolean {
  const n = snake(name);
  if (NOT_SECRET_NAME.test(n) || n.length < 3) return false;
  return (kind === 'code' ? CODE_SECRET_NAME : CONFIG_SECRET_NAME).test(n);
}

/** A literal in code: a quoted string that looks like a credential (letters and digits, or long), not a header or variable name. */
function codeLiteralLooksSecret(v: string): boolean {
  if (/\s/.test(v) || /^[A-Z0-9_]+$/.test(v) || /^[./~]/.test(v)) return false;
  return (v.length >= 8 && /\d/.test(v) && /[A-Za-z]/.test(v)) || v.length >= 20;
}

/**
 * A literal in config: anything but a placeholder, a boolean, a file reference, a one-to-three character value, or a
 * lowercase name (`kafka-key-creds`, `x-api-key`: what a setting names, not a secret; a real one has a digit, a capital
 * or a symbol, or is long).
 */
function configLiteralLooksSecret(v: string): boolean {
  if (v.length < 4 || /^(true|false|yes|no|on|off)$/i.test(v)) return false;
  if (/^[./~]|^[a-z]:\\|\.(pem|key|crt|cert|p12|pfx|jks|json|txt|der)$/i.test(v)) return false;
  if (v.length < 20 && /^[a-z]+([-_.][a-z]+)*$/.test(v)) return false;
  return true;
}

// Bounded, linear patterns (no nested quantifiers). A line longer than MAX_LINE is minified or data: only secretlint reads it.
const MAX_LINE = 4096;
/** After a setting's name: `= value`, `: value`, `": "value"`, `:= "value"`, `=> 'value'`; the value quoted or bare (sticky, from the name's end). */
const ASSIGNED_VALUE = /["']?[ \t]{0,8}(?::=|=>|=|:)[ \t]{0,8}(?:(["'`])([^"'`\r\n]{0,512})\1|([^\s"'`,;#}\])]{1,512}))/y;
const NAME_CHAR = /[A-Za-z0-9_.\-]/;
const SECRET_WORDS = ['pass', 'pwd', 'secret', 'token', 'key'];

/**
 * `NAME = value`, `NAME: value`, `"name": "value"`, `name := "value"`, `- NAME=value`: found from each secret word in
 * the line outwards (the name around it, the assignment after it), so a line costs a few indexOf calls, not a regex
 * tried at every position.
 */
function assignments(text: string): [name: string, value: string, quoted: boolean][] {
  const out: [string, string, boolean][] = [];
  const lower = text.toLowerCase();
  const seen = new Set<number>();
  for (const w of SECRET_WORDS) {
    for (let at = lower.indexOf(w); at !== -1; at = lower.indexOf(w, at + w.length)) {
      let s = at;
      while (s > 0 && NAME_CHAR.test(text[s - 1])) s--;
      let e = at + w.length;
      while (e < text.length && NAME_CHAR.test(text[e])) e++;
      // an interpolation's variable (`${NAME:-x}`) is not an assignment; the secret-default rule reads those
      if (seen.has(s) || !/[A-Za-z_]/.test(text[s] ?? '') || text.slice(Math.max(0, s - 2), s) === '${') continue;
      seen.add(s);
      ASSIGNED_VALUE.lastIndex = e;
      const m = ASSIGNED_VALUE.exec(text);
      if (m) out.push([text.slice(s, e), m[2] ?? m[3], m[2] !== undefined]);
    }
  }
  return out;
}
/** Dockerfile's old form: `ENV NAME value`. */
const DOCKER_ENV = /^\s*(?:ENV|ARG)\s+([A-Za-z_][A-Za-z0-9_]{0,63})\s+([^\s=]\S{0,511})\s*$/;
/** A default given to an env read: `${NAME:-value}` (compose, shell), `${name:value}` (Spring). */
const INTERP_DEFAULT = /\$\{([A-Za-z_][A-Za-z0-9_.]{0,63})(:-|-|:)([^}\s]{1,256})\}/g;
/** `process.env.NAME || 'value'`, `process.env['NAME'] ?? "value"`. */
const NODE_DEFAULT = /process\.env(?:\.([A-Za-z_][A-Za-z0-9_]{0,63})|\[\s*['"]([^'"]{1,64})['"]\s*\])\s*(?:\|\||\?\?)\s*(['"`])([^'"`\r\n]{1,256})\3/g;
/** `os.getenv("NAME", "value")`, `getEnv("NAME", "value")`, `os.environ.get('NAME', 'value')`, `System.getenv().getOrDefault("NAME", "value")`. */
const CALL_DEFAULT = /\b(?:[gG]et_?[eE]nv\w{0,20}|environ\.get|getOrDefault|env\.get|ENV\.fetch)\(\s*['"]([^'"]{1,64})['"]\s*,\s*(['"])([^'"\r\n]{1,256})\2/g;
/** Stripe: live secret and restricted keys, webhook signing secrets (publishable pk_ and sk_test_ keys are not production secrets). */
const STRIPE = /\b((?:sk|rk)_live_[0-9A-Za-z]{16,247}|whsec_[0-9A-Za-z]{24,128})\b/g;
/** user:password@ in a URL of a scheme secretlint has no rule for (its rules cover http(s), postgres, mysql and mongodb). */
const URL_CREDS = /\b([a-z][a-z0-9+.\-]{1,24}):\/\/([^\s:/@'"`]{0,100}):([^\s/@'"`]{1,200})@/gi;
/** Cheap tests that skip a line no rule can match (most lines): the scan runs in every smoke. */
const MAY_ASSIGN_SECRET = /pass|pwd|secret|token|key/i;
const SECRETLINT_SCHEMES = /^(https?|postgres(ql)?|mysqlx?|jdbc:mysql|mongodb(\+srv)?)$/i;

/**
 * The own rules over one file's text: each hit with its line and a message that names the setting, never the value.
 * Comment lines are skipped (a commented-out example is not deployed config), except in key files.
 */
export function ownRules(content: string, kind: FileKind): RuleHit[] {
  const hits: RuleHit[] = [];
  const lines = content.split(/\r?\n/);
  const add = (line: number, rule: string, message: string) => {
    if (!hits.some((h) => h.line === line && h.rule === rule && h.message === message)) hits.push({ line, rule, message });
  };
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    if (text.length > MAX_LINE || /^\s*(#|\/\/|--|;|\*|\/\*)/.test(text)) continue;
    const line = i + 1;
    if (text.includes('_live_') || text.includes('whsec_')) for (const m of text.matchAll(STRIPE)) add(line, 'flowgate/stripe', `${m[1].startsWith('whsec_') ? 'Stripe webhook signing secret' : 'Stripe live key'} (${m[1].slice(0, 8)}…)`);
    if (text.includes('://')) for (const m of text.matchAll(URL_CREDS)) {
      const scheme = m[1];
      if (SECRETLINT_SCHEMES.test(scheme) || isPlaceholder(m[3]) || m[3].includes('${')) continue;
      add(line, 'flowgate/url-credentials', `${scheme.toLowerCase()}:// URL with a literal password for user "${m[2]}"`);
    }
    if (!MAY_ASSIGN_SECRET.test(text)) continue;
    const defaults: [string, string][] = [];
    if (text.includes('${')) for (const m of text.matchAll(INTERP_DEFAULT)) if (!/^[?+]/.test(m[3])) defaults.push([m[1], m[3]]);
    if (kind === 'code') {
      if (text.includes('process.env')) for (const m of text.matchAll(NODE_DEFAULT)) defaults.push([m[1] ?? m[2], m[4]]);
      if (text.includes('(')) for (const m of text.matchAll(CALL_DEFAULT)) defaults.push([m[1], m[3]]);
    }
    for (const [name, value] of defaults)
      if (isSecretName(name, 'config') && !isPlaceholder(value) && configLiteralLooksSecret(value)) add(line, 'flowgate/secret-default', `${name} read from the environment with a literal default`);
    if (kind === 'key') continue;
    const assigned: [string, string, boolean][] = [];
    assigned.push(...assignments(text));
    if (kind === 'docker') {
      const d = DOCKER_ENV.exec(text);
      if (d) assigned.push([d[1], d[2].replace(/^["']|["']$/g, ''), false]);
    }
    for (const [name, value, quoted] of assigned) {
      if (!isSecretName(name, kind) || isPlaceholder(value)) continue;
      if (kind === 'code' ? !quoted || value.includes('${') || !codeLiteralLooksSecret(value) : !configLiteralLooksSecret(value)) continue;
      add(line, 'flowgate/secret-assignment', `${name} assigned a literal value (${value.length} characters)`);
    }
  }
  return hits;
}

/** The password of a `scheme://user:password@` in a text, when there is one (to drop secretlint's URL findings on placeholders). */
export function urlPassword(text: string): string | undefined {
  return /:\/\/[^\s:/@]*:([^\s/@]+)@/.exec(text)?.[1];
}
