// Unit tests of the bench model: phases, the critical path and the observation lag from hand-made timings.
import { test, expect } from '@playwright/test';
import { benchFile, breakdown, checkTargets, formatBench, lagOf, percentile, spread, TARGETS, type RawRun, type RawStep, type RawTest } from './bench';

const fx = (name: string, startAt: number, durationMs: number): RawStep => ({ title: `Fixture "${name}"`, category: 'fixture', startAt, durationMs, steps: [] });
const hook = (title: string, startAt: number, steps: RawStep[]): RawStep => ({ title, category: 'hook', startAt, durationMs: steps.reduce((s, x) => s + x.durationMs, 0), steps });
function t(project: string, worker: number, slot: number, startAt: number, setup: RawStep[], bodyMs: number, teardown: RawStep[], events: RawTest['events'] = []): RawTest {
  const before = hook('Before Hooks', startAt, setup);
  const bodyAt = startAt + before.durationMs;
  const after = hook('After Hooks', bodyAt + bodyMs, teardown);
  return {
    project, title: `${project} test`, workerIndex: worker, parallelIndex: slot, startAt, status: 'passed', events,
    // Playwright's duration can leave fixture time out: the model must not rely on it
    durationMs: bodyMs,
    steps: [before, { title: '1. Step — GET /x', category: 'test.step', startAt: bodyAt, durationMs: bodyMs, steps: [] }, after],
  };
}

// spawn 0, begin 1000; preflight on slot 0 1000–1500; auth on slot 1 from 2500 (observer 400, browser 300, body 2000, cleanup 100) ends 5300;
// payment on slot 0 from 2000 (observer 300, body 500) ends 2800; end 5400, exit 5500, close 5600.
const run: RawRun = {
  spawnAt: 0, beginAt: 1000, endAt: 5400, exitAt: 5500, closeAt: 5600,
  tests: [
    t('preflight', 0, 0, 1000, [], 500, []),
    t('auth', 1, 1, 2500, [fx('_observer', 2500, 400), fx('browser', 2900, 300)], 2000, [fx('cleanup', 5200, 100)], [{ topic: 'a', brokerAt: 3300, seenAt: 3310 }, { topic: 'b', brokerAt: 3400, seenAt: 3450 }]),
    t('payment', 2, 0, 2000, [fx('_observer', 2000, 300)], 500, [], [{ topic: 'c', brokerAt: 2400, seenAt: 2420 }]),
  ],
};

test('the breakdown names runner start, each worker start, fixture set-ups and teardowns, tests and reports', () => {
  const b = breakdown(run);
  expect(b.wallMs).toBe(5600);
  const ms = Object.fromEntries(b.phases.map((p) => [p.name, p.ms]));
  expect(ms['runner start (spawn → Playwright onBegin)']).toBe(1000);
  expect(ms['set-up _observer']).toBe(700);
  expect(b.phases.find((p) => p.name === 'set-up _observer')?.count).toBe(2);
  expect(ms['set-up browser']).toBe(300);
  expect(ms['teardown cleanup']).toBe(100);
  expect(ms['test auth › auth test']).toBe(2000);
  // payment's worker waited from preflight's end on slot 0 (1500) to 2000; auth's from the run's begin on slot 1
  expect(ms['worker start (process, test file load, until its first test), payment']).toBe(500);
  expect(ms['worker start (process, test file load, until its first test), auth']).toBe(1500);
  expect(ms['worker teardown (last test → onEnd)']).toBe(100);
  expect(ms['verdict and reports (onEnd → onExit)']).toBe(100);
  expect(b.tests.find((x) => x.project === 'auth')).toMatchObject({ setupMs: 700, bodyMs: 2000, teardownMs: 100, ms: 2800, startMs: 2500 });
});

test('the critical path follows the slot that finished last, from preflight to the reports, without gaps', () => {
  const b = breakdown(run);
  expect(b.lastSlot).toBe(1);
  expect(b.criticalPath.map((s) => s.name)).toEqual([
    'runner start',
    'wait for preflight › preflight test (slot 0)',
    'worker 1 start (auth)',
    'set-up of auth › auth test (_observer 400, browser 300 ms)',
    'body of auth › auth test',
    'teardown of auth › auth test',
    'worker teardown',
    'verdict and reports',
    'process exit',
  ]);
  // contiguous: each segment starts where the previous ended, and the chain spans the wall time
  for (let i = 1; i < b.criticalPath.length; i++) expect(b.criticalPath[i].startMs).toBe(b.criticalPath[i - 1].startMs + b.criticalPath[i - 1].ms);
  expect(b.criticalPath.reduce((s, x) => s + x.ms, 0)).toBe(b.wallMs);
});

test('lag percentiles are nearest-rank over broker append → seen', () => {
  expect(breakdown(run).lag).toEqual({ count: 3, p50: 20, p95: 50, max: 50 });
  expect(percentile([], 95)).toBe(0);
  expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
  expect(lagOf([{ brokerAt: 10, seenAt: 5 }]).max).toBe(0);
  expect(spread([30, 10, 20])).toEqual({ runs: 3, medianMs: 20, minMs: 10, maxMs: 30 });
});

test('the table says the median, the phases, the critical path and the lag', () => {
  const b = breakdown(run);
  const text = formatBench({ runs: spread([5600]), run: b, lag: b.lag, load: [1.5, 2] });
  expect(text).toContain('median 5.60 s');
  expect(text).toContain('load average 1.50 2.00');
  expect(text).toMatch(/set-up _observer\s+0\.70 s\s+2/);
  expect(text).toContain('critical path (slot 1 finished last)');
  expect(text).toContain('p50 20 ms, p95 50 ms');
});

test('targets: the ratio to the baseline, the CPU and the lag are each met only within their limit, and one not measured is not met', () => {
  const lag = { count: 10, p50: 5, p95: TARGETS.lagP95Ms, max: 80 };
  const baseline = spread([1100]);
  const fast = checkTargets({ runs: spread([TARGETS.gateToBaseline * 1100]), baseline, cpu: { runnerS: TARGETS.runnerCpuS, stackS: 9 }, lag });
  expect(fast.map((t) => [t.what, t.met])).toEqual([
    ['warm gate / naive baseline (medians)', true],
    ['CPU of one warm run (runner and workers)', true],
    ['event observation lag, p95', true],
  ]);
  const slow = checkTargets({ runs: spread([TARGETS.gateToBaseline * 1100 + 1]), baseline, cpu: { runnerS: TARGETS.runnerCpuS + 0.1 }, lag: { ...lag, p95: TARGETS.lagP95Ms + 1 } });
  expect(slow.map((t) => t.met)).toEqual([false, false, false]);
  const unmeasured = checkTargets({ runs: spread([1000]), lag: { count: 0, p50: 0, p95: 0, max: 0 } });
  expect(unmeasured.map((t) => [t.measured, t.met])).toEqual([['not measured', false], ['not measured', false], ['0 ms', false]]);
  const text = formatBench({ runs: spread([4400]), baseline, cpu: { runnerS: 31.2, stackS: 8.4 }, run: breakdown(run), lag });
  expect(text).toContain('gate / baseline 4.00×');
  expect(text).toContain('runner and workers 31.2 s, the stack\'s processes 8.4 s');
  expect(text).toMatch(/warm gate \/ naive baseline \(medians\)\s+≤ 2\.0×\s+4\.00×\s+NO/);
});

test('bench.json names the target without credentials and holds no secret', () => {
  const text = benchFile({ target: 'https://u:p4ss/w0rd@kong.example:8443', medianRun: { steps: [{ title: 'login — Bearer abc.def.ghi' }, { title: 'kafka secret-kafka-pw' }] } }, { KAFKA_SASL_PASSWORD: 'secret-kafka-pw' });
  expect(JSON.parse(text).target).toBe('https://kong.example:8443');
  expect(text).not.toContain('p4ss');
  expect(text).not.toContain('abc.def.ghi');
  expect(text).not.toContain('secret-kafka-pw');
});
