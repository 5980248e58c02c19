// How the fault matrix's rows (fault-matrix-rows.ts) share runs, and the row tests; the rows are split over two test files so two harness workers (two stacks) run them side by side.
import { expect } from '@playwright/test';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { faultInfo, isFaultName } from '../../stack/faults';
import { BATCHABLE, MATRIX, type Row } from './fault-matrix-rows';
import { startStack, type StackHandle } from '../../stack';
import { test, runSmoke, setFaults, targetEnv, cleanup, ROOT } from './harness';

/** How many test files the rows are split over: one per harness worker of tests/selftest.config.ts. */
export const PARTS = 2;

export { BATCHABLE, MATRIX, TESTED_ELSEWHERE, type Row } from './fault-matrix-rows';

/** The failing test of a non-flow project, shaped like a flow result (status, failingStep). */
function failingOf(v: any, project: string) {
  for (const c of v?.criteria ?? []) for (const e of c.evidence ?? []) if (e.project === project && e.status !== 'passed') return { status: e.status, failingStep: e.failingStep };
  return undefined;
}

/** The failing step of a transport row: from the criterion's evidence, or (P0-06) the finding's test. */
function transportFailure(v: any, row: Row): { title?: string; category?: string; error?: string } | undefined {
  if ('criterion' in row.expects) {
    const id = row.expects.criterion;
    return v.criteria.find((x: any) => x.id === id)?.evidence?.find((e: any) => e.failingStep)?.failingStep;
  }
  const f = v.gapFindings?.[0];
  return f ? { title: f.step, category: row.category, error: f.detail } : undefined;
}

function expectTransport(v: any, row: Row, env: Record<string, string>) {
  const names = row.names?.(env) ?? '';
  if ('criterion' in row.expects) {
    const trig = v.triggers.find((t: any) => t.id === 'tls-not-enforced');
    expect(trig?.fired, 'tls-not-enforced fired').toBe(true);
    expect(trig?.detail, 'tls-not-enforced names the endpoint').toContain(names);
    return;
  }
  const trig = v.triggers.find((t: any) => t.id === 'p0-gap-not-remediated');
  expect(trig?.fired, 'p0-gap-not-remediated fired').toBe(true);
  expect(v.gapFindings?.map((f: any) => `${f.gap} ${f.endpoint}`), 'the finding is in the verdict').toContain(`P0-06 ${names}`);
}

const MATRIX_FILE = join(ROOT, 'test-results', 'fault-matrix.tsv');


/** The triggers a row's fault fires besides what it expects: a row expecting one of them never shares a run with it. */
const fires = (r: Row): string[] => [...('trigger' in r.expects && r.expects.trigger ? [r.expects.trigger] : []), ...(isFaultName(r.fault) && faultInfo(r.fault).gap ? ['p0-gap-not-remediated'] : [])];

/**
 * Groups rows into runs: at most one row per project, none whose fault reaches another's project, none expecting a
 * trigger another's fault fires; unlisted and start-only rows alone. The most crowded projects are placed first.
 */
export function batches(rows: Row[]): Row[][] {
  const out: Row[][] = [];
  const count = (p: string) => rows.filter((r) => r.project === p).length;
  const order = [...rows].sort((a, b) => count(b.project) - count(a.project));
  const expectsTrigger = (r: Row) => ('trigger' in r.expects ? r.expects.trigger : undefined);
  const fits = (r: Row, batch: Row[]) =>
    batch.every((o) => o.project !== r.project && BATCHABLE[o.fault] && !BATCHABLE[o.fault]!.includes(r.project) && !BATCHABLE[r.fault]!.includes(o.project) &&
      !fires(o).includes(expectsTrigger(r) ?? '') && !fires(r).includes(expectsTrigger(o) ?? ''));
  for (const r of order) {
    const home = !r.atStart && BATCHABLE[r.fault] ? out.find((b) => BATCHABLE[b[0].fault] && fits(r, b)) : undefined;
    if (home) home.push(r);
    else out.push([r]);
  }
  return out;
}

interface BatchRun {
  run: Awaited<ReturnType<typeof runSmoke>>;
  env: Record<string, string>;
  /** rows still to read this run; its reports folder is removed after the last */
  pending: number;
  label: string;
}
const batchRuns = new Map<Row[], Promise<BatchRun>>();

/** The run of a row's batch: the first row of the batch starts it (its faults on, only its projects), the others read it. */
async function runOf(batch: Row[], shared: StackHandle): Promise<BatchRun> {
  if (!batchRuns.has(batch)) {
    batchRuns.set(batch, (async () => {
      const row = batch[0];
      // a start-only fault gets a stack of its own, started with it
      const own: StackHandle | undefined = row.atStart ? await startStack({ faults: row.fault }) : undefined;
      const stack = own ?? shared;
      try {
        if (!own) await setFaults(stack.controlUrl, batch.map((r) => r.fault));
        const run = await runSmoke(targetEnv(stack), [...new Set(batch.map((r) => r.project))].map((p) => `--project=${p}`));
        return { run, env: stack.env, pending: batch.length, label: batch.length > 1 ? `batch ${batch.map((r) => r.fault).join('+')}` : 'alone' };
      } finally {
        if (own) await own.stop();
        else await setFaults(stack.controlUrl, []);
      }
    })());
  }
  return batchRuns.get(batch)!;
}

/**
 * The batches of part `part` (1-based) of `parts`: whole batches, since a batch's rows read one run. Largest first, each
 * to the part with the least load so far, a run counting 1 and each of its rows a quarter more (more projects, longer run).
 */
export function partOf(part: number, parts: number): Row[][] {
  const load = Array.from({ length: parts }, () => 0);
  const mine: Row[][] = [];
  for (const b of [...batches(MATRIX)].sort((x, y) => y.length - x.length)) {
    const p = load.indexOf(Math.min(...load));
    load[p] += 1 + b.length / 4;
    if (p === part - 1) mine.push(b);
  }
  return mine;
}

/** Declares the row tests of part `part` of `parts` (called by each fault-matrix test file). */
export function defineRowTests(part: number, parts: number): void {
  test.describe(`fault matrix (part ${part} of ${parts})`, () => {
    test.describe.configure({ timeout: 300_000 });
    const mine = partOf(part, parts);
    const batchOf = (row: Row) => mine.find((b) => b.includes(row));

    // in matrix order, so each file still reads like the matrix
    for (const row of MATRIX.filter(batchOf)) {
      test(`${row.fault} → NO-GO ${row.step ? `at "${row.step}" (${row.category})` : `for ${'criterion' in row.expects ? `criterion ${row.expects.criterion}` : 'gap' in row.expects ? `gap ${row.expects.gap}` : ''} from evidence`}`, async ({ stack: shared }) => {
        const batch = batchOf(row)!;
        const shared_ = await runOf(batch, shared);
        const { run } = shared_;
        const stack = { env: shared_.env };
        const v = run.verdict;
        const flow =
          row.project === 'transport'
            ? { status: transportFailure(v, row) ? 'failed' : 'passed', failingStep: transportFailure(v, row) }
            : row.failing
              ? failingOf(v, row.failing)
              : v?.flows?.find((f: any) => f.name === row.project);
        const reason = 'criterion' in row.expects ? `criterion ${row.expects.criterion}` : `trigger ${row.expects.trigger}`;
        mkdirSync(join(ROOT, 'test-results'), { recursive: true });
        appendFileSync(MATRIX_FILE, [row.fault, v?.verdict ?? '(none)', reason, flow?.failingStep?.title ?? '-', flow?.failingStep?.category ?? '-', run.seconds.toFixed(1), shared_.label].join('\t') + '\n');
        try {
          expect(v, `a verdict was written; output:\n${run.output.slice(-3000)}`).toBeTruthy();
          expect(run.exitCode, 'npm run smoke exits 1 on NO-GO').toBe(1);
          expect(v.verdict).toBe('NO-GO');
          if (row.step) {
            expect(flow?.status, `the ${row.project} flow fails`).toBe('failed');
            expect(flow?.failingStep?.title ?? '', 'the failing step').toMatch(new RegExp(`^${row.step.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
          } else if (!row.failing) {
            // The flows themselves pass: the verdict is NO-GO only because the criterion failed from evidence.
            expect(flow?.status, `the ${row.project} flow passes`).toBe('passed');
          }
          if (row.category) expect(flow?.failingStep?.category, `the failure category (error: ${flow?.failingStep?.error})`).toBe(row.category);
          if (row.error) expect(flow?.failingStep?.error, 'the failing step says why').toContain(row.error);
          if (row.withinSeconds) expect(run.seconds, `the run (${shared_.label}) ended within ${row.withinSeconds} s`).toBeLessThan(row.withinSeconds);
          if (row.stepWithinMs) {
            const took = flow?.steps?.find((s: any) => s.title === flow?.failingStep?.title)?.durationMs;
            expect(took, `the failing step's duration (${took} ms) is within ${row.stepWithinMs} ms`).toBeLessThan(row.stepWithinMs);
          }
          const expects = row.expects;
          if (row.project === 'transport') expectTransport(v, row, stack.env);
          if ('criterion' in expects) {
            const crit = v.criteria.find((x: any) => x.id === expects.criterion);
            expect(crit?.status, reason).toBe('fail');
            if (expects.says) expect(crit?.detail, `criterion ${expects.criterion} says why`).toContain(expects.says);
            if (expects.trigger) expect(v.triggers.find((t: any) => t.id === expects.trigger)?.fired, `trigger ${expects.trigger} fired`).toBe(true);
          } else if ('route' in expects) {
            const trig = v.triggers.find((t: any) => t.id === 'auth-bypass');
            expect(trig?.fired, 'the auth-bypass trigger fired').toBe(true);
            expect(JSON.stringify(trig), 'the trigger names the route').toContain(expects.route);
          } else if ('gap' in expects && row.project !== 'transport') {
            // a gap the source decides: the trigger fires and the gap's row is open, naming the file and line
            expect(v.triggers.find((t: any) => t.id === 'p0-gap-not-remediated')?.fired, 'p0-gap-not-remediated fired').toBe(true);
            const gapRow = v.criteria.find((x: any) => x.id === 1)?.rows?.find((r: any) => r.gap === expects.gap);
            expect(gapRow?.status, `${expects.gap} row`).toBe('open');
            if (expects.says) expect(gapRow?.detail, `${expects.gap} row names the file and line`).toContain(expects.says);
          } else if ('notRuledOut' in expects) {
            const trig = v.triggers.find((t: any) => t.id === 'auth-bypass');
            expect(trig?.status, 'the auth-bypass trigger is not ruled out').toBe('not-run');
            expect(trig?.detail, 'the trigger names the route that errored').toContain(expects.notRuledOut);
          }
        } finally {
          if (--shared_.pending === 0) cleanup(run);
        }
      });
    }
  });
}
