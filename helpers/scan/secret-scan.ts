// Criterion 3's scan of the deployed source: secretlint (recommended preset + database connection strings) and flowgate's own rules over the files services commit, and over the git history when the directory is a checkout.
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { fileKind, isPlaceholder, ownRules, SERVICE_KINDS, urlPassword, type FileKind } from './secret-rules';
import type { SourceFile } from './gap-rules';

export interface SecretFinding {
  /** path relative to the scanned directory */
  file: string;
  line: number;
  rule: string;
  /** what was found, the value masked or left out */
  message: string;
  /** the commit that added it, when it was found in the git history */
  commit?: string;
}

export interface HistoryScan {
  /** commits whose added lines were read */
  commits: number;
  /** every commit of every ref was read; false means the scan is incomplete (see reason) */
  complete: boolean;
  reason?: string;
}

export interface ScanResult {
  dir: string;
  /** `not-run`: nothing that is a service's source was found, so nothing was shown (fail closed) */
  status: 'scanned' | 'not-run';
  reason?: string;
  files: number;
  /** files per kind (env, compose, docker, config, rc, key, code) */
  kinds: Partial<Record<FileKind, number>>;
  findings: SecretFinding[];
  /** undefined when the directory is not a git checkout */
  history?: HistoryScan;
}

export interface SourceTree {
  dir: string;
  files: SourceFile[];
  /** why the walk stopped early, when it did (too many files) */
  truncated?: string;
}

/** Folders that are not the deployed source (dependencies, build output, VCS data). */
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'target', 'vendor', '.cache', 'coverage', '.venv', 'venv', '__pycache__', '.next', '.terraform', '.idea', '.vscode']);
/** Bounds: a file bigger than this is data or generated, not config; a tree bigger than MAX_FILES is not one service checkout. */
const MAX_FILE_BYTES = 1 << 20;
const MAX_FILES = 20_000;
/** History bounds: the newest commits of all refs, and the size of their patches. */
const MAX_COMMITS = 2_000;
const MAX_HISTORY_BYTES = 64 << 20;

/** Reads a file up to MAX_FILE_BYTES; undefined for bigger or binary (a NUL in the first 8 KiB) files. */
function readText(path: string): string | undefined {
  const size = statSync(path).size;
  if (size > MAX_FILE_BYTES) return undefined;
  const buf = Buffer.alloc(size);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, size, 0);
  } finally {
    closeSync(fd);
  }
  if (buf.subarray(0, 8192).includes(0)) return undefined;
  return buf.toString('utf8');
}

/** The files a service commits (compose, every .env* and *.env, Dockerfiles, config, source, .npmrc, key files), read once. */
export function readSourceTree(dir: string): SourceTree {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`FLOWGATE_SOURCE_DIR: expected a directory (a checkout of the deployed services), got ${JSON.stringify(dir)}, which ${existsSync(dir) ? 'is not a directory' : 'does not exist'}`);
  const files: SourceFile[] = [];
  let truncated: string | undefined;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (truncated) return;
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
        continue;
      }
      const kind = e.isFile() ? fileKind(e.name) : undefined;
      if (!kind) continue;
      if (files.length >= MAX_FILES) {
        truncated = `more than ${MAX_FILES} files to scan`;
        return;
      }
      const content = readText(p);
      if (content !== undefined) files.push({ file: relative(dir, p).split(sep).join('/'), kind, content });
    }
  };
  walk(dir);
  return { dir, files, ...(truncated ? { truncated } : {}) };
}

let secretlint: { lintSource: any; config: any } | undefined;
function linter() {
  if (!secretlint) {
    // secretlint ships as ES modules; Node 22 and later load them with require.
    const { lintSource } = require('@secretlint/core');
    const preset = require('@secretlint/secretlint-rule-preset-recommend');
    const db = require('@secretlint/secretlint-rule-database-connection-string');
    const config = {
      rules: [
        { id: '@secretlint/secretlint-rule-preset-recommend', rule: preset.creator },
        { id: '@secretlint/secretlint-rule-database-connection-string', rule: db.creator },
      ],
    };
    secretlint = { lintSource, config };
  }
  return secretlint;
}

/** secretlint and the own rules over one text; `lineOf` maps the text's lines to the file's (history chunks). */
async function lintText(file: string, kind: FileKind, content: string, lineOf: (n: number) => number = (n) => n): Promise<(SecretFinding & { text: string })[]> {
  const { lintSource, config } = linter();
  const lines = content.split(/\r?\n/);
  const out: (SecretFinding & { text: string })[] = [];
  const r = await lintSource({ source: { filePath: file, content, contentType: 'text' }, options: { config, maskSecrets: true } });
  for (const m of r.messages) {
    // secretlint's URL rules know few placeholders: a `postgres://user:change-me@` in an example is not a secret.
    const matched = Array.isArray(m.range) ? content.slice(m.range[0], m.range[1]) : '';
    const pw = urlPassword(matched);
    if (pw !== undefined && isPlaceholder(decodeURIComponentSafe(pw))) continue;
    const n = m.loc?.start?.line ?? 0;
    out.push({ file, line: lineOf(n), rule: m.ruleId, message: m.message, text: lines[n - 1] ?? '' });
  }
  // one finding per line: secretlint's names the kind of key more precisely than the own rules
  const byLint = new Set(out.map((f) => f.line));
  for (const h of ownRules(content, kind)) if (!byLint.has(lineOf(h.line))) out.push({ file, line: lineOf(h.line), rule: h.rule, message: h.message, text: lines[h.line - 1] ?? '' });
  return out;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Is `dir` the top of a git checkout (a `.git` folder or file)? Only then is its history read. */
export const isGitCheckout = (dir: string) => existsSync(join(dir, '.git'));

interface Chunk {
  commit: string;
  file: string;
  lines: { line: number; text: string }[];
}

/** The lines each commit of every ref added, per file: `git log --all -p -U0`, bounded by MAX_COMMITS and MAX_HISTORY_BYTES. */
function historyChunks(dir: string): { chunks: Chunk[]; history: HistoryScan } {
  const r = spawnSync('git', ['-C', dir, '-c', 'core.quotepath=off', 'log', '--all', '-p', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', `-n${MAX_COMMITS}`, '--format=commit %H'], { encoding: 'utf8', maxBuffer: MAX_HISTORY_BYTES, timeout: 60_000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? ((r.error as any).code === 'ENOBUFS' ? `its patches exceed ${MAX_HISTORY_BYTES >> 20} MiB` : r.error.message) : (r.stderr || `git exited ${r.status}`).trim().split('\n')[0];
    return { chunks: [], history: { commits: 0, complete: false, reason: `git log failed: ${why}` } };
  }
  const chunks: Chunk[] = [];
  let commit = '';
  let cur: Chunk | undefined;
  let next = 0;
  let commits = 0;
  for (const l of r.stdout.split('\n')) {
    if (l.startsWith('commit ')) {
      commit = l.slice(7).trim();
      commits++;
      cur = undefined;
    } else if (l.startsWith('+++ ')) {
      const path = l.slice(4).replace(/^b\//, '');
      const parts = path.split('/');
      const kind = path === '/dev/null' || parts.some((p) => SKIP_DIRS.has(p)) ? undefined : fileKind(basename(path));
      cur = kind ? { commit, file: path, lines: [] } : undefined;
      if (cur) chunks.push(cur);
    } else if (l.startsWith('@@ ')) {
      next = Number(/\+(\d+)/.exec(l)?.[1] ?? 0);
    } else if (cur && l.startsWith('+')) {
      cur.lines.push({ line: next++, text: l.slice(1) });
    }
  }
  let complete = commits < MAX_COMMITS;
  if (!complete) {
    const total = Number(spawnSync('git', ['-C', dir, 'rev-list', '--all', '--count'], { encoding: 'utf8' }).stdout.trim());
    complete = total <= MAX_COMMITS;
  }
  return { chunks, history: { commits, complete, ...(complete ? {} : { reason: `only the newest ${MAX_COMMITS} commits were read` }) } };
}

/**
 * Scans a source tree: every file with secretlint and the own rules, then, in a git checkout, every line any commit
 * added to such a file (a secret committed and later removed is still a finding, named by its commit). A history
 * finding the tree still has (same file, rule and line text) is reported once, from the tree.
 */
export async function scanForSecrets(tree: SourceTree): Promise<ScanResult> {
  const kinds: Partial<Record<FileKind, number>> = {};
  for (const f of tree.files) kinds[f.kind] = (kinds[f.kind] ?? 0) + 1;
  const base = { dir: tree.dir, files: tree.files.length, kinds };
  if (tree.truncated) return { ...base, status: 'not-run', reason: `${tree.dir}: ${tree.truncated}; not a single service checkout`, findings: [] };
  if (!tree.files.some((f) => SERVICE_KINDS.includes(f.kind)))
    return { ...base, status: 'not-run', reason: `${tree.dir} holds no service source (no compose file, .env file, Dockerfile or source file)${tree.files.length ? '' : ': it is empty'}`, findings: [] };
  const found: (SecretFinding & { text: string })[] = [];
  for (const f of tree.files) found.push(...(await lintText(f.file, f.kind, f.content)));
  const key = (f: { file: string; rule: string; text: string }) => `${f.file}\0${f.rule}\0${f.text.trim()}`;
  const inTree = new Set(found.map(key));
  let history: HistoryScan | undefined;
  if (isGitCheckout(tree.dir)) {
    const h = historyChunks(tree.dir);
    history = h.history;
    const seen = new Set<string>();
    for (const c of h.chunks) {
      const kind = fileKind(basename(c.file))!;
      const hits = await lintText(c.file, kind, c.lines.map((l) => l.text).join('\n'), (n) => c.lines[n - 1]?.line ?? 0);
      for (const x of hits) {
        const k = key(x);
        // the tree has it, or an older commit added the same line again (a revert, a cherry-pick): once, the newest
        if (inTree.has(k) || seen.has(k)) continue;
        seen.add(k);
        found.push({ ...x, commit: c.commit });
      }
    }
  }
  const findings = found.map(({ text: _text, ...f }) => f);
  return { ...base, status: 'scanned', findings, ...(history ? { history } : {}) };
}
