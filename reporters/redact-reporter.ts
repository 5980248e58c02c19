// The first reporter of the list: redacts, in place, every error, step title, output chunk and attachment of the run before list, junit, blob, Allure and the verdict see them.
//
// Playwright's runner hands the very same objects to every reporter in list order (its Multiplexer loops over the
// reporters with one TestResult, TestStep, TestError and attachment object), so what this reporter changes is what the
// reporters after it read and write: the list reporter's console, junit.xml, the blob zip (which serializes attachments
// at onStepEnd/onTestEnd and errors at onTestEnd), allure-results and go-no-go.*. What it cannot change is a stdout
// chunk (a string, passed by value): the workers redact their own output at the source (fixtures/target.ts), and this
// reporter replaces the chunk kept in result.stdout for junit's system-out.
//
// The runner does not know the tokens a worker obtained; the pattern rules (JWT, Bearer, whsec_, token fields,
// connection-string passwords) catch those, and the configuration's secrets come from the runner's environment.
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult, TestStep } from '@playwright/test/reporter';
import type { Env } from '../helpers/config/config';
import { ATTACHMENT_CAP_BYTES, capMarker, redactCapped, redactDeep, secretsFromEnv, type Redactor } from '../helpers/redact';
import { redactorFromEnv } from '../helpers/config/secrets';
import { LEDGER_VAR, readLedger } from '../helpers/scan/run-secrets';

/** The most of one error message or stack that is kept (Playwright's own diffs fit easily). */
export const ERROR_CAP_CHARS = 64 * 1024;

type Attachment = TestResult['attachments'][number];

/** Content types whose bodies are text, and so are redacted; images, videos, traces and zips are left as they are. */
export function isTextual(contentType: string | undefined): boolean {
  const t = (contentType ?? '').toLowerCase().split(';')[0].trim();
  return t.startsWith('text/') || /[/+](json|xml|javascript|yaml|x-yaml|svg\+xml|x-www-form-urlencoded|csv)$/.test(t) || t === 'image/svg+xml';
}

const isJson = (contentType: string | undefined) => /[/+]json\b/i.test(contentType ?? '');

/**
 * Markup (an SVG timeline, XML, HTML) cut in the middle no longer opens: it gets a cap 16 times larger than plain text,
 * still a bound.
 */
export const MARKUP_CAP_BYTES = 16 * ATTACHMENT_CAP_BYTES;
const capOf = (contentType: string | undefined) => (/svg|xml|html/i.test(contentType ?? '') ? MARKUP_CAP_BYTES : ATTACHMENT_CAP_BYTES);

/** A redactor for the runner: every secret the environment names (parsed or raw) plus the pattern rules. */
export const runnerRedactor = redactorFromEnv;

/** One attachment body redacted: JSON stays JSON (strings redacted and capped, secret-named keys blanked), other text capped then redacted. */
export function redactBody(body: Buffer, contentType: string | undefined, redact: Redactor): Buffer {
  if (isJson(contentType) && body.length <= 16 * ATTACHMENT_CAP_BYTES) {
    const text = body.toString('utf8');
    // The cheap way first: one pass over the text keeps JSON valid (no rule crosses a string's quotes or escapes);
    // checked by parsing, and anything else goes the structured way.
    if (body.length <= ATTACHMENT_CAP_BYTES) {
      const safe = redact(text);
      if (safe === text) return body;
      try {
        JSON.parse(safe);
        return Buffer.from(safe);
      } catch {
        /* the structured way below */
      }
    }
    try {
      const parsed = JSON.parse(text);
      const pretty = /^[[{]\s*\n/.test(text);
      return Buffer.from(JSON.stringify(redactDeep(parsed, redact), null, pretty ? 2 : undefined));
    } catch {
      /* not JSON after all: redacted as text */
    }
  }
  return Buffer.from(redactCapped(body, capOf(contentType), redact));
}

export interface RedactReporterOptions {
  /** the environment the configuration's secrets come from (default process.env, read when the run begins: global setup may add the embedded stack's) */
  env?: Env;
}

export default class RedactReporter implements Reporter {
  private redact: Redactor = runnerRedactor({});
  private envKey = '';
  private outputDirs: string[] = [];
  /** how many of each result's attachments are done: a result's list only grows */
  private readonly done = new WeakMap<TestResult, number>();
  private readonly seenSteps = new WeakSet<TestStep>();
  /** what the workers obtained (the run's ledger): test passwords and tokens, which the runner's environment never held */
  private readonly learnt = new Set<string>();
  private ledgerSize = 0;

  constructor(private readonly options: RedactReporterOptions = {}) {}

  printsToStdio(): boolean {
    return false;
  }

  /** Rebuilt when the environment's secrets change (global setup starts the embedded stack after the runner began). */
  private redactor(): Redactor {
    const env = this.options.env ?? process.env;
    const key = secretsFromEnv(env).join('\u0000');
    if (key !== this.envKey) {
      this.envKey = key;
      this.redact = runnerRedactor(env);
      this.redact.add(...this.learnt);
    }
    return this.redact;
  }

  /**
   * Adds what the workers wrote to the run's ledger since the last look. Playwright writes some files the workers'
   * redaction never sees (error-context.md: its page snapshot shows every textbox's value, a typed password too).
   */
  private learn(): void {
    const file = (this.options.env ?? process.env)[LEDGER_VAR];
    // Read again only when it grew: this runs at every step end, where the blob and Allure reporters take attachments.
    const size = file && existsSync(file) ? statSync(file).size : 0;
    if (size === this.ledgerSize) return;
    this.ledgerSize = size;
    const fresh = readLedger(file).map((s) => s.value).filter((v) => !this.learnt.has(v));
    if (!fresh.length) return;
    for (const v of fresh) this.learnt.add(v);
    this.redact.add(...fresh);
  }

  onBegin(config: FullConfig, _suite: Suite): void {
    this.outputDirs = config.projects.map((p) => resolve(p.outputDir) + sep);
    this.redactor();
  }

  onTestBegin(_test: TestCase, _result: TestResult): void {
    this.redactor();
  }

  onStepBegin(_test: TestCase, _result: TestResult, step: TestStep): void {
    // The list reporter prints the title now; the blob reporter serializes it now.
    step.title = this.redact(step.title);
  }

  onStepEnd(_test: TestCase, result: TestResult, step: TestStep): void {
    // error-context.md is attached in the test's last step (its page snapshot shows a typed password): learn first.
    this.learn();
    if (step.error) this.redactError(step.error);
    // The blob and Allure reporters take the attachments made so far at every step end.
    this.redactAttachments(result);
  }

  onStdOut(chunk: string | Buffer, _test?: TestCase, result?: TestResult): void {
    this.redactChunk(chunk, result?.stdout);
  }

  onStdErr(chunk: string | Buffer, _test?: TestCase, result?: TestResult): void {
    this.redactChunk(chunk, result?.stderr);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.redactor();
    this.learn();
    for (const e of result.errors) this.redactError(e);
    if (result.error && !result.errors.includes(result.error)) this.redactError(result.error);
    this.redactSteps(result.steps);
    this.redactAttachments(result);
    for (const a of result.annotations) if (a.description) a.description = this.redact(a.description);
    for (const a of test.annotations) if (a.description) a.description = this.redact(a.description);
    result.stdout.forEach((c, i) => (result.stdout[i] = this.redactedChunk(c)));
    result.stderr.forEach((c, i) => (result.stderr[i] = this.redactedChunk(c)));
  }

  onError(error: TestError): void {
    this.redactor();
    this.redactError(error);
  }

  async onEnd(_result: FullResult): Promise<void> {}

  /** A TestError in place: message, stack, value, snippet, and its causes. */
  redactError(e: TestError, depth = 0): void {
    const r = (s: string) => redactCapped(s, ERROR_CAP_CHARS, this.redact);
    if (typeof e.message === 'string') e.message = r(e.message);
    if (typeof e.stack === 'string') e.stack = r(e.stack);
    if (typeof e.value === 'string') e.value = r(e.value);
    if (typeof e.snippet === 'string') e.snippet = r(e.snippet);
    if (e.cause && depth < 8) this.redactError(e.cause, depth + 1);
  }

  private redactSteps(steps: TestStep[]): void {
    for (const s of steps) {
      if (this.seenSteps.has(s)) continue;
      this.seenSteps.add(s);
      s.title = this.redact(s.title);
      if (s.error) this.redactError(s.error);
      this.redactSteps(s.steps);
    }
  }

  private redactAttachments(result: TestResult): void {
    const from = this.done.get(result) ?? 0;
    for (let i = from; i < result.attachments.length; i++) this.redactAttachment(result.attachments[i]);
    this.done.set(result, result.attachments.length);
  }

  redactAttachment(a: Attachment): void {
    if (!isTextual(a.contentType)) return;
    if (a.body) {
      (a as { body?: Buffer }).body = redactBody(a.body, a.contentType, this.redact);
      return;
    }
    // A file attachment is copied into the test's output folder by Playwright: rewritten there, never elsewhere.
    if (!a.path || !this.outputDirs.some((d) => resolve(a.path!).startsWith(d)) || !existsSync(a.path)) return;
    try {
      const size = statSync(a.path).size;
      const cap = capOf(a.contentType);
      if (size > Math.max(cap, 16 * ATTACHMENT_CAP_BYTES)) {
        // Only the head is read: the rest is counted, never written.
        const head = Buffer.alloc(cap);
        const fd = openSync(a.path, 'r');
        try {
          readSync(fd, head, 0, cap, 0);
        } finally {
          closeSync(fd);
        }
        writeFileSync(a.path, this.redact(head.toString('utf8'), { cut: true }) + capMarker(size - cap));
        return;
      }
      const body = readFileSync(a.path);
      const safe = redactBody(body, a.contentType, this.redact);
      if (!safe.equals(body)) writeFileSync(a.path, safe);
    } catch {
      /* a vanished file is written by nobody */
    }
  }

  private redactedChunk(c: string | Buffer): string | Buffer {
    if (Buffer.isBuffer(c)) {
      const s = c.toString('utf8');
      const safe = this.redact(s);
      return safe === s ? c : Buffer.from(safe);
    }
    return this.redact(c);
  }

  private redactChunk(chunk: string | Buffer, kept: (string | Buffer)[] | undefined): void {
    // The runner pushed the chunk before calling the reporters: the kept copy is the one junit writes.
    if (kept && kept[kept.length - 1] === chunk) kept[kept.length - 1] = this.redactedChunk(chunk);
  }
}
