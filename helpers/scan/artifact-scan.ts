// The artifact scan: every file a run leaves (zips entry by entry, base64 bodies decoded) searched for the secrets the run knows and for secretlint's patterns; findings name the file and mask the value.
import { statSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { MIN_SECRET_LENGTH } from '../redact';
import { escapeRegExp } from '../regex';
import { fileChunks, filesUnder } from './folder-files';
import { PatternBatch } from './pattern-batch';
import { bufferSource, fileSource, readEntry, streamEntry, ZipError, zipEntries, type ZipSource } from './zip-entries';

/** A value the run knows to be secret, with what it is (a variable's name, "access token" …) for the finding. */
export interface KnownSecret {
  value: string;
  kind: string;
}

export type SecretForm = 'plain' | 'url-encoded' | 'json-escaped' | 'base64' | 'xml-escaped';

export interface ArtifactFinding {
  /** relative to the scanned folder; a zip entry as `shard.zip!path/in/zip` */
  file: string;
  /** what was found: the secret's kind (KAFKA_SASL_PASSWORD, access token …) or `secretlint:<rule message id>` */
  kind: string;
  /** how the known secret was written (absent for pattern hits) */
  form?: SecretForm;
  /** the first characters of a long value, then its length: never the value */
  masked: string;
  /** where in the file: its bytes, its name, or a base64 body inside it (a blob report's attachments) */
  where: 'content' | 'name' | 'base64 content';
  count: number;
}

export interface ArtifactScan {
  files: number;
  /** zip entries read (nested zips included) */
  entries: number;
  bytes: number;
  durationMs: number;
  findings: ArtifactFinding[];
  /** what could not be read completely (fail closed: the run cannot say its artifacts are clean) */
  unreadable: { file: string; reason: string }[];
}

export interface ScanOptions {
  /** files to leave out (the repository's own source beside the generated reports) */
  skip?: (absPath: string) => boolean;
  /** secretlint's patterns too (default true) */
  patterns?: boolean;
  /** bytes of a document held at once; larger files and entries are read in windows of this size (default 16 MiB) */
  windowBytes?: number;
}

/** The shown part of a secret: its first two characters when it is long enough that they say little, and its length. */
export function maskSecret(value: string): string {
  return `${value.length >= 12 ? value.slice(0, 2) : ''}…(${value.length} chars)`;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** The ways a secret is written into a report: as is, URL-encoded, JSON-escaped, base64 (the redactor's forms) and XML-escaped (JUnit). */
export function secretForms(value: string): { form: SecretForm; text: string }[] {
  const out: { form: SecretForm; text: string }[] = [];
  const seen = new Set<string>();
  const add = (form: SecretForm, text: string) => {
    if (text.length < MIN_SECRET_LENGTH || seen.has(text)) return;
    seen.add(text);
    out.push({ form, text });
  };
  add('plain', value);
  add('url-encoded', encodeURIComponent(value));
  add('json-escaped', JSON.stringify(value).slice(1, -1));
  add('base64', Buffer.from(value, 'utf8').toString('base64'));
  add('xml-escaped', xmlEscape(value));
  return out;
}

/** Enough to hold any pattern secretlint looks for (a private key block) across a window's edge. */
const OVERLAP = 64 * 1024;
const SNIFF = 8000;
/** Runs of base64 this long are decoded and scanned: a blob report keeps attachment bodies as base64. */
const B64_RUN = /[A-Za-z0-9+/]{16,}={0,2}/g;
const MAX_NESTED_ZIP = 256 * 1024 * 1024;

interface Needle {
  kind: string;
  form: SecretForm;
  value: string;
}

type Where = ArtifactFinding['where'];

/** Whether bytes look like text: no NUL and no other control bytes but tab, newline, carriage return, form feed, escape. */
function looksText(b: Buffer): boolean {
  const n = Math.min(b.length, SNIFF);
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c < 0x09 || (c > 0x0d && c < 0x20 && c !== 0x1b)) return false;
  }
  return true;
}

class Scanner {
  readonly result: ArtifactScan = { files: 0, entries: 0, bytes: 0, durationMs: 0, findings: [], unreadable: [] };
  private readonly needles = new Map<string, Needle>();
  /** the needles by their first MIN_SECRET_LENGTH bytes: one small alternation of prefixes finds where to compare */
  private readonly byPrefix = new Map<string, string[]>();
  private readonly prefixes?: RegExp;
  /** the same for paths: its own object, as `prefixes` keeps its position while a document is searched */
  private readonly inNames?: RegExp;
  private readonly maxNeedle: number;
  private readonly byKey = new Map<string, ArtifactFinding>();
  private readonly patterns = new PatternBatch<{ file: string; where: Where }>((d, messageId, value) => this.add(d.file, `secretlint:${messageId}`, value, d.where));

  constructor(secrets: KnownSecret[], private readonly opts: ScanOptions) {
    for (const s of secrets) {
      if (typeof s.value !== 'string' || s.value.length < MIN_SECRET_LENGTH) continue;
      // Matched as bytes: a needle is its UTF-8 bytes read as latin1, so binary files and any text encoding compare exactly.
      for (const f of secretForms(s.value)) {
        const key = Buffer.from(f.text, 'utf8').toString('latin1');
        if (!this.needles.has(key)) this.needles.set(key, { kind: s.kind, form: f.form, value: s.value });
      }
    }
    const keys = [...this.needles.keys()].sort((a, b) => b.length - a.length);
    this.maxNeedle = keys[0]?.length ?? 0;
    // Tokens share their first bytes (every JWT of a run starts with the same header): few prefixes, each a handful of compares.
    for (const k of keys) {
      const p = k.slice(0, MIN_SECRET_LENGTH);
      this.byPrefix.set(p, [...(this.byPrefix.get(p) ?? []), k]);
    }
    if (keys.length) {
      this.prefixes = new RegExp([...this.byPrefix.keys()].map(escapeRegExp).join('|'), 'g');
      this.inNames = new RegExp(this.prefixes.source, 'g');
    }
  }

  /** A path as it may be shown: a known secret in it (a test title made into a folder name) replaced by its mask. */
  safe(file: string): string {
    if (!this.inNames) return file;
    const bytes = Buffer.from(file, 'utf8').toString('latin1');
    let out = '';
    let from = 0;
    this.matches(this.inNames, bytes, (i, needle) => {
      out += bytes.slice(from, i) + Buffer.from(`[${maskSecret(this.needles.get(needle)!.value)}]`, 'utf8').toString('latin1');
      from = i + needle.length;
    });
    return from === 0 ? file : Buffer.from(out + bytes.slice(from), 'latin1').toString('utf8');
  }

  /** Every non-overlapping needle in `bytes`, left to right, the longest where several start at one place. */
  private matches(re: RegExp, bytes: string, found: (index: number, needle: string) => void): void {
    re.lastIndex = 0;
    for (let m = re.exec(bytes); m; m = re.exec(bytes)) {
      const i = m.index;
      const needle = this.byPrefix.get(m[0])!.find((n) => bytes.startsWith(n, i));
      re.lastIndex = needle ? i + needle.length : i + 1;
      if (needle) found(i, needle);
    }
  }

  private add(rawFile: string, kind: string, value: string, where: Where, form?: SecretForm): void {
    const file = this.safe(rawFile);
    const masked = maskSecret(value);
    const key = `${file}\0${kind}\0${form ?? ''}\0${where}\0${masked}`;
    const f = this.byKey.get(key);
    if (f) f.count++;
    else {
      const finding: ArtifactFinding = { file, kind, ...(form ? { form } : {}), masked, where, count: 1 };
      this.byKey.set(key, finding);
      this.result.findings.push(finding);
    }
  }

  /** Known secrets in a string of bytes (latin1); matches ending at or before `seenUpTo` were counted with the previous window. */
  private literals(file: string, bytes: string, where: Where, seenUpTo = 0): void {
    if (!this.prefixes) return;
    this.matches(this.prefixes, bytes, (i, needle) => {
      if (i + needle.length <= seenUpTo) return;
      const n = this.needles.get(needle)!;
      this.add(file, n.kind, n.value, where, n.form);
    });
  }

  /** A file's or entry's name: a secret in a path is in the artifact too. */
  name(file: string): void {
    this.literals(file, Buffer.from(file, 'utf8').toString('latin1'), 'name');
  }

  private async pattern(file: string, where: Where, text: string): Promise<void> {
    if (this.opts.patterns === false) return;
    await this.patterns.push({ file, where }, text);
  }

  /** secretlint over the documents still queued. */
  async flush(): Promise<void> {
    await this.patterns.flush();
  }

  /** One window of a document: its first `overlap` bytes were already seen at the end of the previous window. */
  private async window(file: string, bytes: Buffer, overlap: number, text: boolean, where: Where): Promise<void> {
    const latin = bytes.toString('latin1');
    this.literals(file, latin, where, overlap);
    if (!text) return;
    await this.pattern(file, where, bytes.toString('utf8'));
    if (where !== 'content') return;
    B64_RUN.lastIndex = 0;
    for (let m = B64_RUN.exec(latin); m; m = B64_RUN.exec(latin)) {
      // A run that is a secret's own base64 form was counted as that form above; lowercase hex is an id or a hash, not a body.
      if (m.index + m[0].length <= overlap || this.needles.has(m[0]) || /^[0-9a-f]+$/.test(m[0])) continue;
      const decoded = Buffer.from(m[0].slice(0, m[0].length - (m[0].length % 4)), 'base64');
      if (decoded.length < MIN_SECRET_LENGTH) continue;
      this.literals(file, decoded.toString('latin1'), 'base64 content');
      if (decoded.length >= 20 && looksText(decoded)) await this.pattern(file, 'base64 content', decoded.toString('utf8'));
    }
  }

  /**
   * A document given as chunks (any size): scanned in windows of `windowBytes`, each overlapping the last by enough
   * for any needle or pattern; a base64 run still open at a window's end is carried whole into the next (up to a window).
   */
  async document(file: string, chunks: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<void> {
    const windowBytes = this.opts.windowBytes ?? 16 * 1024 * 1024;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let carry = Buffer.alloc(0);
    let text: boolean | undefined;
    const run = async (final: boolean) => {
      const body = Buffer.concat([carry, ...pending]);
      pending = [];
      pendingBytes = 0;
      if (text === undefined) text = looksText(body);
      await this.window(file, body, carry.length, text, 'content');
      if (final) return;
      // Keep what the next window must see again: enough for the longest needle and pattern, or the whole open base64 run.
      let from = Math.max(0, body.length - Math.max(OVERLAP, this.maxNeedle));
      let runStart = body.length;
      while (runStart > 0 && isBase64Byte(body[runStart - 1])) runStart--;
      if (runStart < from) {
        // An open run longer than half a window is carried from a multiple of 4 past its start, so it still decodes aligned.
        const limit = body.length - Math.floor(windowBytes / 2);
        from = runStart >= limit ? runStart : runStart + Math.ceil((limit - runStart) / 4) * 4;
      }
      carry = Buffer.from(body.subarray(Math.min(from, body.length)));
    };
    for await (const c of chunks) {
      this.result.bytes += c.length;
      pending.push(c);
      pendingBytes += c.length;
      if (pendingBytes >= windowBytes) await run(false);
    }
    if (pendingBytes || !carry.length) await run(true);
  }

  async zip(label: string, src: ZipSource, depth: number): Promise<void> {
    const windowBytes = this.opts.windowBytes ?? 16 * 1024 * 1024;
    const entries = zipEntries(src);
    for (const e of entries) {
      if (e.directory) continue;
      const name = `${label}!${e.name}`;
      this.result.entries++;
      this.name(name);
      try {
        if (e.size <= windowBytes || (depth < 2 && e.size <= MAX_NESTED_ZIP && /\.zip$/i.test(e.name))) {
          const body = readEntry(src, e, Math.max(windowBytes, MAX_NESTED_ZIP));
          if (depth < 2 && isZip(body)) await this.zipOrRaw(name, bufferSource(body), depth + 1, [body]);
          else await this.document(name, [body]);
        } else await this.document(name, streamEntry(src, e, Math.min(1 << 20, windowBytes)));
      } catch (err: any) {
        if (!(err instanceof ZipError)) throw err;
        this.result.unreadable.push({ file: this.safe(name), reason: this.safe(err.message) });
      }
    }
  }

  /** A zip's entries; when it cannot be read as one, its raw bytes are still scanned and the file is named unreadable. */
  async zipOrRaw(label: string, src: ZipSource, depth: number, raw: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<void> {
    try {
      await this.zip(label, src, depth);
    } catch (err: any) {
      if (!(err instanceof ZipError) && err?.code !== 'ERR_OUT_OF_RANGE') throw err;
      this.result.unreadable.push({ file: this.safe(label), reason: this.safe(`not a readable zip (${err.message}); its raw bytes were scanned`) });
      await this.document(label, raw);
    } finally {
      src.close();
    }
  }
}

function isBase64Byte(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f || c === 0x3d;
}

function isZip(b: Buffer): boolean {
  return b.length >= 4 && b.readUInt32LE(0) === 0x04034b50;
}

/**
 * Scans every file under `dir` (names relative to it) and, when given, `also` (named relative to `dir` too): zips
 * (by their bytes, not their name) entry by entry, each document for every form of every known secret and, when it is
 * text, for secretlint's recommended patterns.
 */
export async function scanArtifacts(dir: string, secrets: KnownSecret[], opts: ScanOptions = {}, also: string[] = []): Promise<ArtifactScan> {
  const started = performance.now();
  const scanner = new Scanner(secrets, opts);
  const skip = opts.skip ?? (() => false);
  const windowBytes = opts.windowBytes ?? 16 * 1024 * 1024;
  const files = [dir, ...also].flatMap((d) => filesUnder(d, skip));
  for (const abs of files) {
    const file = relative(dir, abs).split(sep).join('/');
    scanner.result.files++;
    scanner.name(file);
    let size: number;
    try {
      size = statSync(abs).size;
    } catch (err: any) {
      scanner.result.unreadable.push({ file: scanner.safe(file), reason: scanner.safe(err.message) });
      continue;
    }
    try {
      const head = size >= 4 ? [...fileChunks(abs, 4, 4)][0] : undefined;
      const chunk = size <= windowBytes ? size || 1 : Math.min(1 << 20, windowBytes);
      if (head && isZip(head)) await scanner.zipOrRaw(file, fileSource(abs), 1, fileChunks(abs, size, chunk));
      else await scanner.document(file, fileChunks(abs, size, chunk));
    } catch (err: any) {
      if (err?.code !== 'ENOENT' && err?.code !== 'EACCES' && err?.code !== 'EISDIR') throw err;
      scanner.result.unreadable.push({ file: scanner.safe(file), reason: scanner.safe(err.message) });
    }
  }
  await scanner.flush();
  scanner.result.durationMs = Math.round(performance.now() - started);
  return scanner.result;
}
