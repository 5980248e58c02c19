// The console of a run: one line per test with its outcome and duration, a live count on a terminal, a test's steps and output only when it fails (every test's with verbose).
import { readVar } from '../helpers/config/read';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult, TestStep } from '@playwright/test/reporter';
import { stripAnsi } from '../helpers/errors';
import { painter, type Paint } from '../helpers/render/colour';
import { countLine, type Counts, errorLines, type StepLine, stepLines, summaryLine, testLine, type TestOutcome } from '../helpers/render/run-lines';
import { projectOfCase } from '../helpers/verdict/projects';

export interface ConsoleReporterOptions {
  /** every step of every test (npm run smoke -- --verbose sets FLOWGATE_VERBOSE=1) */
  verbose?: boolean;
  /** where to write; process.stdout by default (a test gives a fake terminal) */
  out?: NodeJS.WriteStream;
  /** colours; by default styleText's for `out` (none off a terminal or with NO_COLOR) */
  paint?: Paint;
}

/** The most lines of a failed test's own output printed; the report has all of it. */
const MAX_OUTPUT_LINES = 40;

/** The steps worth reading: the flows' own (test.step), and any step that failed, nested under the shown ones. */
export function visibleSteps(steps: readonly TestStep[], depth = 0): StepLine[] {
  return steps.flatMap((s) => {
    const shown = s.category === 'test.step' || !!s.error;
    const children = visibleSteps(s.steps, shown ? depth + 1 : depth);
    return shown ? [{ title: s.title, depth, failed: !!s.error, durationMs: s.duration, error: s.error?.message && stripAnsi(s.error.message) }, ...children] : children;
  });
}

export default class ConsoleReporter implements Reporter {
  private readonly out: NodeJS.WriteStream;
  private readonly paint: Paint;
  private readonly verbose: boolean;
  private readonly counts: Counts = { total: 0, passed: 0, failed: 0, skipped: 0, flaky: 0, running: 0, elapsedMs: 0 };
  private readonly output = new Map<string, string[]>();
  private startedAt = Date.now();
  private statusShown = false;
  private timer?: NodeJS.Timeout;

  constructor(options: ConsoleReporterOptions = {}) {
    this.out = options.out ?? process.stdout;
    this.paint = options.paint ?? painter(this.out);
    this.verbose = options.verbose ?? readVar(process.env, 'FLOWGATE_VERBOSE') === true;
  }

  printsToStdio(): boolean {
    return true;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.startedAt = Date.now();
    this.counts.total = suite.allTests().length;
    this.write(`Running ${this.counts.total} tests using ${config.workers} worker${config.workers === 1 ? '' : 's'}`);
    // the count keeps its time moving between tests; unref: it never holds the runner open
    if (this.out.isTTY) this.timer = setInterval(() => this.drawStatus(), 1000).unref();
  }

  onTestBegin(): void {
    this.counts.running++;
    this.drawStatus();
  }

  /** --verbose: each numbered step as it begins, so a watcher sees where a run is (a flow's own steps, not their inner calls) */
  onStepBegin(test: TestCase, _result: TestResult, step: TestStep): void {
    if (!this.verbose || step.category !== 'test.step' || step.parent) return;
    this.write(this.paint('dim', `  ▸ [${projectOfCase(test)}] ${step.title}`));
  }

  onStdOut(chunk: string | Buffer, test?: TestCase): void {
    this.keepOutput(chunk, test);
  }

  onStdErr(chunk: string | Buffer, test?: TestCase): void {
    this.keepOutput(chunk, test);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.counts.running = Math.max(0, this.counts.running - 1);
    const willRetry = result.status !== 'passed' && result.status !== 'skipped' && result.retry < test.retries;
    const outcome: TestOutcome = result.status === 'passed' && result.retry > 0 ? 'flaky' : result.status;
    if (!willRetry) this.count(outcome);
    const failed = result.status !== 'passed' && result.status !== 'skipped';
    const lines = [testLine({ outcome, project: projectOfCase(test), title: test.titlePath().slice(3).join(' › '), durationMs: result.duration, retry: result.retry }, this.paint)];
    if (failed || this.verbose) {
      const steps = visibleSteps(result.steps);
      lines.push(...stepLines(steps, this.paint));
      // an error outside every step (a fixture, a timeout) is said too
      if (failed && !steps.some((s) => s.failed)) for (const e of result.errors) lines.push(...errorLines(e.message).map((l) => `      ${this.paint('no-go', l)}`));
      lines.push(...this.takeOutput(test));
    }
    this.output.delete(test.id);
    this.write(lines.join('\n'));
  }

  onError(error: TestError): void {
    // an error outside every test (global setup refusing a target, a config error) is the whole story of the run:
    // said in full (the redacting reporter has already run over it), capped like a test's output
    const lines = (error.message ?? String(error.value ?? 'unknown error')).trimEnd().split('\n').slice(0, MAX_OUTPUT_LINES);
    this.write(this.paint('no-go', `error: ${lines.join('\n')}`));
  }

  onEnd(_result: FullResult): void {
    if (this.timer) clearInterval(this.timer);
    this.counts.elapsedMs = Date.now() - this.startedAt;
    this.counts.running = 0;
    this.clearStatus();
    this.out.write(`${summaryLine(this.counts, this.paint)}\n`);
  }

  private count(outcome: TestOutcome): void {
    if (outcome === 'passed') this.counts.passed++;
    else if (outcome === 'skipped') this.counts.skipped++;
    else if (outcome === 'flaky') this.counts.flaky++;
    else this.counts.failed++;
  }

  private keepOutput(chunk: string | Buffer, test?: TestCase): void {
    if (!test) return this.write(String(chunk).trimEnd());
    const kept = this.output.get(test.id) ?? [];
    if (kept.length <= MAX_OUTPUT_LINES) kept.push(...String(chunk).trimEnd().split('\n'));
    this.output.set(test.id, kept);
  }

  private takeOutput(test: TestCase): string[] {
    const kept = this.output.get(test.id) ?? [];
    if (!kept.length) return [];
    const shown = kept.slice(0, MAX_OUTPUT_LINES).map((l) => `      ${this.paint('dim', '│')} ${l}`);
    return kept.length > MAX_OUTPUT_LINES ? [...shown, `      ${this.paint('dim', '│ … (the report has the rest)')}`] : shown;
  }

  /** Lines go above the live count: it is cleared, the lines written, and drawn again. */
  private write(text: string): void {
    this.clearStatus();
    this.out.write(`${text}\n`);
    this.drawStatus();
  }

  private drawStatus(): void {
    if (!this.out.isTTY || !this.counts.total) return;
    this.counts.elapsedMs = Date.now() - this.startedAt;
    this.out.write(`\r\x1b[2K${countLine(this.counts, this.paint)}`);
    this.statusShown = true;
  }

  private clearStatus(): void {
    if (!this.statusShown) return;
    this.out.write('\r\x1b[2K');
    this.statusShown = false;
  }
}
