// npm run bench's Playwright reporter: records when the run, each test and each step (fixtures and hooks included) began and ended, for the bench model.
import { writeFileSync } from 'node:fs';
import type { Reporter, FullResult, TestCase, TestResult, TestStep } from '@playwright/test/reporter';
import type { RawRun, RawStep, RawTest } from '../helpers/render/bench';
import { parseEvidence } from '../helpers/verdict/evidence';
import { projectOfCase } from '../helpers/verdict/projects';
import { redactDeep } from '../helpers/redact';
import { readVar } from '../helpers/config/read';

/** Why a reporter and not --reporter=json: the JSON report keeps only test.step steps, without start times; fixtures and hooks are what the bench must time. */
export default class BenchReporter implements Reporter {
  private readonly run: RawRun = { beginAt: 0, endAt: 0, exitAt: 0, tests: [] };

  printsToStdio() {
    return false;
  }

  onBegin() {
    this.run.beginAt = Date.now();
  }

  onTestEnd(test: TestCase, result: TestResult) {
    const step = (s: TestStep): RawStep => ({
      title: s.title,
      category: s.category,
      startAt: s.startTime.getTime(),
      durationMs: Math.max(0, s.duration),
      steps: s.steps.map(step),
    });
    const events: RawTest['events'] = [];
    for (const a of result.attachments) {
      if (!a.body) continue;
      const e = parseEvidence(a.body);
      const d: any = e?.data;
      if (e?.kind === 'event' && typeof d?.brokerAt === 'number' && typeof e.at === 'number') events.push({ topic: String(e.name), brokerAt: d.brokerAt, seenAt: e.at });
    }
    this.run.tests.push({
      project: projectOfCase(test),
      title: test.title,
      workerIndex: result.workerIndex,
      parallelIndex: result.parallelIndex,
      startAt: result.startTime.getTime(),
      durationMs: Math.max(0, result.duration),
      status: result.status,
      steps: result.steps.map(step),
      events,
    });
  }

  onEnd(_result: FullResult) {
    // Listed before the verdict reporter: what happens after this is the verdict and the reports being written.
    this.run.endAt = Date.now();
  }

  async onExit() {
    this.run.exitAt = Date.now();
    const file = readVar(process.env, 'BENCH_RAW_FILE');
    // Step titles as they came (the redacting reporter, first in the list, already redacted them): the patterns again, cheaply.
    if (file) writeFileSync(file, JSON.stringify(redactDeep(this.run)));
  }
}
