// Playwright reporter that turns a run into the Go/No-Go verdict: reports/go-no-go.json, go-no-go.md and a console table, all redacted.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult, TestStep } from '@playwright/test/reporter';
import { checkFlowgateVars, parseTargetConfig, type Env } from '../helpers/config/config';
import { categoryOf, FAILURE_ATTACHMENT, parseStructuredFailure, stripAnsi, type StructuredFailure, withoutCredentials } from '../helpers/errors';
import { BYPASS_FINDING_ATTACHMENT, type BypassFinding, EVIDENCE_ATTACHMENT, type Evidence, parseBypassFinding, parseEvidence } from '../helpers/verdict/evidence';
import { createRedactor, redactDeep, secretsFromConfig, secretsFromEnv } from '../helpers/redact';
import { releaseExtras, withExtras } from './release-extras';
import { CLEANUP_ATTACHMENT, parseCleanupNotes } from '../helpers/ownership';
import { renderConsoleTable, renderMarkdown } from './render';
import { painter } from '../helpers/render/colour';
import { loadSignoffs } from '../helpers/verdict/signoffs';
import { projectOfCase } from '../helpers/verdict/projects';
import { GAP_IDS } from '../contracts/p0-gaps';
import { targetName, type TargetKind } from '../helpers/config/target';
import type { Inventory } from '../helpers/verdict/catalogue';
import { type AttemptModel, computeVerdict, CRITERION_IDS, exitCode, type ErrorModel, type RunModel, type StepModel, type TestModel, type VerdictResult } from '../helpers/verdict/verdict';
import { outputsIn, reportsDir } from '../helpers/config/paths';

export interface VerdictReporterOptions {
  /** where go-no-go.json/md go; default the reports folder (helpers/config/paths.ts) */
  outputDir?: string;
  /** count flaky passes as passes (default: FLOWGATE_ALLOW_FLAKY=1) */
  allowFlaky?: boolean;
  /** projects a GO requires (default: auth, scan, asset, payment, auth-bypass) */
  expectedProjects?: string[];
  /** for merged shard reports: how many shards the run had (default FLOWGATE_SHARDS_EXPECTED) */
  shardsExpected?: number;
  /** for merged shard reports: which shards were merged (default FLOWGATE_SHARDS_SEEN, e.g. "1,2") */
  shardsSeen?: number[];
  /** what a complete run contains (default the catalogue, helpers/catalogue.ts); the reporter's own tests pass their throwaway project's */
  inventory?: Inventory;
  /** print the table (default true) */
  print?: boolean;
  /** the environment to read target and secrets from (default process.env, read at the end of the run) */
  env?: Env;
}

class VerdictReporter implements Reporter {
  private readonly options: VerdictReporterOptions;
  private config?: FullConfig;
  private suite?: Suite;
  private startedAt = new Date();
  private readonly globalErrors: TestError[] = [];
  private lastResult?: VerdictResult;

  constructor(options: VerdictReporterOptions = {}) {
    this.options = options;
  }

  printsToStdio(): boolean {
    return this.options.print !== false;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.config = config;
    this.suite = suite;
    this.startedAt = new Date();
  }

  onError(error: TestError): void {
    this.globalErrors.push(error);
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    // Read the environment now, not at construction: the embedded stack's global setup sets the target's variables.
    const env = this.options.env ?? process.env;
    const redact = buildRedactor(env);
    const model = this.buildModel(env, result);
    // A sign-off file that cannot be read or is malformed: nothing can be decided about the release (exit 2).
    let signoffError: string | undefined;
    try {
      model.signoffs = loadSignoffs(env, CRITERION_IDS, GAP_IDS);
    } catch (err: any) {
      signoffError = `${err.name}: ${err.message}`;
    }
    const verdict = computeVerdict(model);
    if (signoffError) {
      verdict.notes.unshift(signoffError);
      verdict.couldNotEvaluate = true;
      verdict.verdict = 'NO-GO';
    }
    if (result.status === 'interrupted') verdict.notes.unshift('the run was interrupted before it finished');
    if (result.status === 'timedout') verdict.notes.unshift('the run hit its global timeout before it finished');
    if ((result.status === 'interrupted' || result.status === 'timedout') && verdict.verdict === 'GO') verdict.verdict = 'NO-GO';
    // What a cleanup refused or failed to delete on the target: said in the verdict, never dropped (once each).
    for (const n of cleanupNotesOf(this.suite)) if (!verdict.notes.includes(n)) verdict.notes.push(n);
    verdict.exitCode = exitCode(verdict);
    const outDir = this.options.outputDir ? resolve(this.options.outputDir) : reportsDir();
    mkdirSync(outDir, { recursive: true });
    // History, environment and timelines for the release manager; a shard's own partial verdict joins no history.
    const shard = this.config?.shard;
    const extras = releaseExtras({ env, outDir, verdict, tests: model.tests, cases: this.suite?.allTests() ?? [], partial: !!shard && shard.total > 1, redact });
    Object.assign(verdict, extras.fields);

    // Every string that leaves the process goes through the redactor: known secrets and secret-shaped text.
    const safe = redactDeep(verdict, redact);
    this.lastResult = safe;
    // No second text pass over the JSON: redactDeep already covered every string, and a rest-of-line rule on
    // serialized JSON could cut a closing quote and break the file.
    const files = outputsIn(outDir, env);
    writeFileSync(files.verdictJson, JSON.stringify(safe, null, 2) + '\n');
    writeFileSync(files.verdictMd, redact(withExtras(renderMarkdown(safe), extras.markdownHead, extras.markdownTail)));
    if (this.options.print !== false) process.stdout.write(redact(renderConsoleTable(safe, painter(process.stdout)) + (extras.consoleLine ? `${extras.consoleLine}\n` : '')));
    extras.commit();
    return safe.verdict === 'GO' ? undefined : { status: 'failed' };
  }

  /** The last verdict (for a wrapper that runs Playwright in-process). */
  get verdict(): VerdictResult | undefined {
    return this.lastResult;
  }

  private buildModel(env: Env, result: FullResult): RunModel {
    const tests = (this.suite?.allTests() ?? []).map((t) => testModel(t));
    const shard = this.config?.shard;
    // npm run merge-reports checked these before it started; a bad value here reads as not set (and the shard count then decides).
    const { settings: fg } = checkFlowgateVars(env, { only: ['FLOWGATE_SHARDS_EXPECTED', 'FLOWGATE_SHARDS_SEEN', 'FLOWGATE_ALLOW_FLAKY', 'FLOWGATE_SIGNOFF_MAX_AGE_DAYS'] });
    const envShards = fg.FLOWGATE_SHARDS_EXPECTED;
    const envSeen = fg.FLOWGATE_SHARDS_SEEN;
    // A shard's own run sees only its part: the verdict says so (NO-GO) until the shards are merged.
    const shardsExpected = this.options.shardsExpected ?? envShards ?? (shard && shard.total > 1 ? shard.total : undefined);
    const shardsSeen = this.options.shardsSeen ?? envSeen ?? (shard && shard.total > 1 ? [shard.current] : undefined);
    const kongUrl = env.KONG_URL ? withoutCredentials(env.KONG_URL) : undefined;
    // npm run smoke and global setup decided the target before the run and wrote FLOWGATE_TARGET; a bare reporter run infers it.
    const kind: TargetKind = env.FLOWGATE_TARGET === 'embedded' || env.FLOWGATE_TARGET === 'staging' ? env.FLOWGATE_TARGET : kongUrl ? 'staging' : 'embedded';
    return {
      target: { name: targetName(env, kind), kind, ...(kongUrl ? { kongUrl } : {}) },
      startedAt: (result.startTime ?? this.startedAt).toISOString(),
      finishedAt: new Date().toISOString(),
      allowFlaky: this.options.allowFlaky ?? fg.FLOWGATE_ALLOW_FLAKY ?? false,
      tests,
      ...(this.options.expectedProjects ? { expectedProjects: this.options.expectedProjects } : {}),
      ...(this.options.inventory ? { inventory: this.options.inventory } : {}),
      ...(shardsExpected ? { shardsExpected } : {}),
      ...(shardsSeen ? { shardsSeen } : {}),
      globalErrors: this.globalErrors.map(errorModel),
      ...(env.FLOWGATE_RUN_ID ? { runId: env.FLOWGATE_RUN_ID } : {}),
      ...(fg.FLOWGATE_SIGNOFF_MAX_AGE_DAYS ? { signoffMaxAgeDays: fg.FLOWGATE_SIGNOFF_MAX_AGE_DAYS } : {}),
    };
  }
}

function buildRedactor(env: Env): (text: string) => string {
  let secrets: string[] = secretsFromEnv(env);
  try {
    secrets = [...secrets, ...secretsFromConfig(parseTargetConfig(env))];
  } catch {
    // An invalid configuration still holds real secrets; the raw-variable scan above covers it.
  }
  return createRedactor(secrets);
}

function errorText(e: TestError | undefined): string {
  if (!e) return '';
  const msg = stripAnsi(e.message ?? e.value ?? '') || stripAnsi(e.stack ?? '').split('\n')[0] || 'error';
  // Playwright prefixes `${name}: ` to the message; ours already start with their class name, so keep one.
  return msg.replace(/^([A-Z][A-Za-z]+): \1: /, '$1: ');
}

function errorModel(e: TestError): ErrorModel {
  const message = errorText(e);
  return { message, category: categoryOf({ message, stack: stripAnsi(e.stack ?? '') }) };
}

/** The top-most test.step steps of an attempt (nested test.steps belong to their parent step). */
function flowSteps(steps: TestStep[]): StepModel[] {
  const out: StepModel[] = [];
  const walk = (list: TestStep[]) => {
    for (const s of list) {
      if (s.category === 'test.step') {
        const skipped = s.annotations?.some((a) => a.type === 'skip' || a.type === 'fixme');
        out.push({
          title: s.title,
          status: s.error ? 'failed' : skipped ? 'skipped' : 'passed',
          durationMs: Math.max(0, Math.round(s.duration)),
          ...(s.error ? { error: errorModel(s.error) } : {}),
        });
      } else walk(s.steps);
    }
  };
  walk(steps);
  return out;
}

/** Every `flowgate-cleanup` note of the run's tests (every attempt: a retried test's first cleanup counts too). */
function cleanupNotesOf(suite: Suite | undefined): string[] {
  const out: string[] = [];
  for (const t of suite?.allTests() ?? []) for (const r of t.results) for (const b of attachmentsOf(r, CLEANUP_ATTACHMENT)) out.push(...parseCleanupNotes(b));
  return out;
}

function attachmentsOf(r: TestResult, name: string): (string | Buffer)[] {
  const out: (string | Buffer)[] = [];
  for (const a of r.attachments) {
    if (a.name !== name) continue;
    if (a.body) out.push(a.body);
    else if (a.path) {
      try {
        out.push(readFileSync(a.path));
      } catch {
        /* a vanished file is not evidence */
      }
    }
  }
  return out;
}

function testModel(t: TestCase): TestModel {
  const results = t.results;
  const last: TestResult | undefined = results[results.length - 1];
  const skippedOnPurpose = !!last && (last.annotations ?? t.annotations).some((a) => a.type === 'skip' || a.type === 'fixme');
  // Planned but never started, or "skipped" because its project's dependency failed: it did not run.
  const ran = !!last && (last.status !== 'skipped' || skippedOnPurpose || t.expectedStatus === 'skipped');
  const evidence: Evidence[] = last ? attachmentsOf(last, EVIDENCE_ATTACHMENT).map(parseEvidence).filter((e): e is Evidence => !!e) : [];
  // Findings from every attempt: a bypass seen once is a bypass, even if a retry did not reproduce it.
  const findings: BypassFinding[] = [];
  const seen = new Set<string>();
  for (const r of results)
    for (const b of attachmentsOf(r, BYPASS_FINDING_ATTACHMENT)) {
      const f = parseBypassFinding(b);
      const key = f && `${f.route}|${f.tokenKind}|${f.status}`;
      if (f && !seen.has(key!)) {
        seen.add(key!);
        findings.push(f);
      }
    }
  const err = last?.errors?.[0] ?? last?.error;
  const steps = last ? flowSteps(last.steps) : [];
  // What the steps said about their own failure (category, expected, observed): read before any text classification.
  const failuresOf = (r: TestResult | undefined) => (r ? attachmentsOf(r, FAILURE_ATTACHMENT).map(parseStructuredFailure).filter((f): f is StructuredFailure => !!f) : []);
  const failures = failuresOf(last);
  // A flaky pass is explained by the attempt that failed: which step, and why.
  let flakyFailure: TestModel['flakyFailure'];
  if (t.outcome() === 'flaky') {
    const failed = results.find((r) => r.status === 'failed' || r.status === 'timedOut');
    const fs = failed ? flowSteps(failed.steps).find((s) => s.status === 'failed') : undefined;
    const ferr = failed?.errors?.[0] ?? failed?.error;
    const error = fs?.error ?? (ferr ? errorModel(ferr) : undefined);
    const failure = fs ? failuresOf(failed).find((f) => f.step === fs.title) : undefined;
    if (failed && error) flakyFailure = { attempt: failed.retry + 1, ...(fs ? { step: fs.title } : {}), error, ...(failure ? { failure } : {}) };
  }
  // Every attempt before the last, as read for the last: the verdict lets one that found a defect decide (helpers/attempts.ts).
  const earlier: AttemptModel[] = results.slice(0, -1).map((r) => {
    const e = r.errors?.[0] ?? r.error;
    const fails = failuresOf(r);
    return { attempt: r.retry + 1, status: r.status, steps: flowSteps(r.steps), ...(e ? { error: errorModel(e) } : {}), evidence: attachmentsOf(r, EVIDENCE_ATTACHMENT).map(parseEvidence).filter((x): x is Evidence => !!x), ...(fails.length ? { failures: fails } : {}) };
  });
  return {
    title: t.titlePath().slice(3).join(' › ') || t.title,
    // the catalogue project (its spec file's), not the Playwright project it ran in (helpers/verdict/projects.ts)
    project: projectOfCase(t),
    tags: t.tags,
    status: last?.status ?? 'skipped',
    retries: Math.max(0, results.length - 1),
    outcome: t.outcome(),
    durationMs: Math.round(results.reduce((a, r) => a + r.duration, 0)),
    steps,
    ...(err ? { error: errorModel(err) } : {}),
    evidence,
    findings,
    ran,
    ...(flakyFailure ? { flakyFailure } : {}),
    ...(failures.length ? { failures } : {}),
    ...(earlier.length ? { earlier } : {}),
  };
}

export default VerdictReporter;
