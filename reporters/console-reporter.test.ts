// Unit tests of the console reporter: a passing test is one line; a failing one adds its steps, its error and its output; verbose shows every test's steps.
import { test, expect } from '@playwright/test';
import type { FullConfig, Suite, TestCase, TestResult, TestStep } from '@playwright/test/reporter';
import ConsoleReporter, { visibleSteps } from './console-reporter';
import { plain } from '../helpers/render/colour';

function fakeOut(isTTY = false) {
  const written: string[] = [];
  const out = { isTTY, write: (t: string) => written.push(t) > 0 } as unknown as NodeJS.WriteStream;
  return { out, text: () => written.join('') };
}

const step = (title: string, category: string, over: Partial<TestStep> = {}): TestStep => ({ title, category, duration: 50, steps: [], ...over }) as unknown as TestStep;

function fakeTest(id: string, title: string): TestCase {
  return { id, retries: 0, location: { file: '/clone/flows/auth.spec.ts', line: 1, column: 1 }, titlePath: () => ['', 'gate', 'auth.spec.ts', title], parent: { project: () => ({ name: 'gate' }) } } as unknown as TestCase;
}

const passing = { status: 'passed', retry: 0, duration: 35_600, errors: [], steps: [step('1. Get CSRF token — GET /api/csrf', 'test.step'), step('Fixture "api"', 'fixture')] } as unknown as TestResult;
const failing = {
  status: 'failed',
  retry: 0,
  duration: 2_100,
  errors: [{ message: 'UnexpectedResponse: POST /register expected 201, got 500' }],
  steps: [
    step('1. Get CSRF token — GET /api/csrf', 'test.step'),
    step('3. Register user — POST /register', 'test.step', {
      error: { message: '\u001b[31mUnexpectedResponse: POST /register expected 201, got 500\u001b[39m\nbody: …' },
      steps: [step('Fixture "observer"', 'fixture', { steps: [step('expect.toBe', 'expect')] })],
    }),
  ],
} as unknown as TestResult;

function runOf(verbose: boolean) {
  const { out, text } = fakeOut();
  const r = new ConsoleReporter({ out, verbose, paint: plain });
  r.onBegin({ workers: 3 } as FullConfig, { allTests: () => [1, 2] } as unknown as Suite);
  const ok = fakeTest('a', 'auth flow › register → logout @flow-auth @criterion-7');
  const bad = fakeTest('b', 'auth flow › login @flow-auth');
  r.onTestBegin();
  r.onStdOut('[auth] probe: 3 requests\n', ok);
  r.onTestEnd(ok, passing);
  r.onTestBegin();
  r.onStdOut('[auth] observer: waited 2 s for user.registered\n', bad);
  r.onTestEnd(bad, failing);
  r.onEnd({ status: 'failed' } as any);
  return text();
}

test('a passing test is one line without tags; a failing one shows its steps, the failing step’s error and its output', () => {
  const out = runOf(false);
  expect(out).toBe(
    [
      'Running 2 tests using 3 workers',
      '  ✓ passed      [auth] auth flow › register → logout (35.6 s)',
      '  ✘ failed      [auth] auth flow › login (2.1 s)',
      '      · 1. Get CSRF token — GET /api/csrf (0.1 s)',
      '      ✘ 3. Register user — POST /register (0.1 s)',
      '          UnexpectedResponse: POST /register expected 201, got 500',
      '          body: …',
      '      │ [auth] observer: waited 2 s for user.registered',
      '2 tests: 1 passed, 1 failed in 0.0 s',
      '',
    ].join('\n'),
  );
  expect(out).not.toContain('probe: 3 requests');
  expect(out).not.toContain('@flow');
  // the error's own colour codes are gone too
  expect(out).not.toContain('\u001b[');
});

test('verbose: every test’s steps and output', () => {
  const out = runOf(true);
  expect(out).toContain('  ✓ passed      [auth] auth flow › register → logout (35.6 s)\n      · 1. Get CSRF token — GET /api/csrf (0.1 s)\n      │ [auth] probe: 3 requests\n');
});

test('a terminal gets a live count, rewritten in place and cleared before each line', () => {
  const { out, text } = fakeOut(true);
  const r = new ConsoleReporter({ out, paint: plain });
  r.onBegin({ workers: 1 } as FullConfig, { allTests: () => [1] } as unknown as Suite);
  r.onTestBegin();
  expect(text()).toContain('\r\x1b[2K  0/1 tests: 0 passed, 1 running');
  r.onTestEnd(fakeTest('a', 't'), passing);
  r.onEnd({ status: 'passed' } as any);
  expect(text().endsWith('\r\x1b[2K1 tests: 1 passed, 0 failed in 0.0 s\n')).toBe(true);
});

test('the steps shown: the flows’ own and any that failed, nested under the shown ones', () => {
  expect(visibleSteps(failing.steps).map((s) => [s.title, s.depth, s.failed])).toEqual([
    ['1. Get CSRF token — GET /api/csrf', 0, false],
    ['3. Register user — POST /register', 0, true],
  ]);
  const nested = visibleSteps([step('After Hooks', 'hook', { steps: [step('C. contract', 'test.step', { error: { message: 'x' }, steps: [step('expect.toBe', 'expect', { error: { message: 'x' } })] })] })]);
  // the hook holds no error of its own: hidden, its failed step comes up a level
  expect(nested.map((s) => [s.title, s.depth])).toEqual([
    ['C. contract', 0],
    ['expect.toBe', 1],
  ]);
});

test('an error outside every test (global setup refusing the target) is said whole: the lines after the first name the variable', () => {
  const { out, text } = fakeOut(false);
  const r = new ConsoleReporter({ out, paint: plain });
  r.onError({ message: 'ConfigError: 1 problem in the target (refused before any request):\n  - FLOWGATE_TARGET_NAME "live" says "live"' } as any);
  expect(text()).toContain('error: ConfigError: 1 problem in the target (refused before any request):\n  - FLOWGATE_TARGET_NAME "live" says "live"');
});

test('verbose: each numbered step is said as it begins, with its project; not without --verbose', () => {
  const step = { title: '3. Start scan — POST /api/v1/scans', category: 'test.step', parent: undefined } as any;
  const inner = { title: 'expect.toBe', category: 'expect', parent: step } as any;
  for (const verbose of [true, false]) {
    const { out, text } = fakeOut(false);
    const r = new ConsoleReporter({ out, paint: plain, verbose });
    r.onStepBegin(fakeTest('scan', 'scan flow'), passing, step);
    r.onStepBegin(fakeTest('scan', 'scan flow'), passing, inner);
    expect(text()).toBe(verbose ? '  ▸ [auth] 3. Start scan — POST /api/v1/scans\n' : '');
  }
});
