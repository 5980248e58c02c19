// Unit tests of the scripts' argument parsing: --help wins, unknown flags and stray arguments are named, pass-through is checked and keeps order.
import { test, expect } from '@playwright/test';
import { helpText, parseScriptArgs } from './args';
import { fileFilterProblem, playwrightPassThrough, playwrightValueProblem, projectsAsFileFilters } from './playwright-args';

const soakLike = { usage: 'usage: npm run soak -- [--runs N]', options: { runs: { type: 'string' as const } } };
const PROJECTS = ['preflight', 'auth', 'auth-bypass', 'scan'];
const FILES = ['flows/auth.spec.ts', 'flows/scan.spec.ts', 'flows/preflight.setup.ts'];
const smokeLike = { usage: 'usage: npm run smoke', options: { release: { type: 'boolean' as const } }, passThrough: playwrightPassThrough(PROJECTS, FILES) };

test('known options parse, in both --x v and --x=v forms; --help and -h ask for usage, with the common exit codes', () => {
  expect(parseScriptArgs(soakLike, ['--runs', '3'])).toEqual({ kind: 'ok', values: { runs: '3' }, positionals: [], rest: [] });
  expect(parseScriptArgs(soakLike, ['--runs=4'])).toMatchObject({ kind: 'ok', values: { runs: '4' } });
  expect(parseScriptArgs(soakLike, ['--help'])).toEqual({ kind: 'help', text: helpText(soakLike.usage) });
  expect(parseScriptArgs(soakLike, ['--runs', '3', '-h'])).toEqual({ kind: 'help', text: helpText(soakLike.usage) });
  expect(helpText(soakLike.usage)).toContain('exit 64: usage error');
  expect(helpText(soakLike.usage)).toContain('130: interrupted (Ctrl-C)');
  // --help beside a bad flag is still help
  expect(parseScriptArgs(soakLike, ['--frob', '--help']).kind).toBe('help');
});

test('an unknown flag or a stray argument is an error that names it and shows the usage line', () => {
  const bad = parseScriptArgs(soakLike, ['--rusn', '3']);
  expect(bad.kind).toBe('error');
  expect(bad.kind === 'error' && bad.text).toContain("'--rusn'");
  expect(bad.kind === 'error' && bad.text).toContain(soakLike.usage);
  const stray = parseScriptArgs(soakLike, ['reports/x']);
  expect(stray.kind === 'error' && stray.text).toContain("unexpected argument 'reports/x'");
  expect(parseScriptArgs({ ...soakLike, maxPositionals: 1 }, ['reports/x'])).toMatchObject({ kind: 'ok', positionals: ['reports/x'] });
});

test('arguments after -- are left for the program the script starts', () => {
  expect(parseScriptArgs(soakLike, ['--runs', '2', '--', '--grep', 'auth', '-h'])).toEqual({ kind: 'ok', values: { runs: '2' }, positionals: [], rest: ['--grep', 'auth', '-h'] });
});

test("pass-through (smoke): Playwright's options are kept in order as written, the script's own taken out", () => {
  expect(parseScriptArgs(smokeLike, ['--grep', 'auth', '--release', '--reporter=line', '--shard=1/2', '-g', 'x', 'auth.spec'])).toEqual({
    kind: 'ok',
    values: { release: true },
    positionals: [],
    rest: ['--grep', 'auth', '--reporter=line', '--shard=1/2', '-g', 'x', 'auth.spec'],
  });
  expect(parseScriptArgs(smokeLike, ['--grep', 'auth', '-h']).kind).toBe('help');
  expect(parseScriptArgs(smokeLike, ['--project', 'auth', '--project=scan', '--list'])).toMatchObject({ kind: 'ok', rest: ['--project', 'auth', '--project=scan', '--list'] });
});

test('pass-through (smoke): a typo, an unknown project, a bad shard or a filter matching no file is a usage error naming it', () => {
  const cases: [string[], string][] = [
    [['--relase'], "Unknown option '--relase'"],
    [['relase'], "'relase' is neither an option nor a filter matching a test file"],
    [['--project', 'autth'], '--project "autth" names no project; the projects are preflight, auth, auth-bypass, scan'],
    [['--shard=3/2'], '--shard must be i/n with 1 ≤ i ≤ n, got "3/2"'],
    [['--workers', 'many'], '--workers must be a whole number ≥ 1, got "many"'],
    [['--grep', '('], '--grep is not a regular expression'],
    [['--headed=yes'], "--headed"],
    [['--grep'], '--grep <value>\' argument missing'],
    // after --, words are file filters (as Playwright reads them), checked the same
    [['--', '-h'], "'-h' is neither an option nor a filter"],
  ];
  for (const [argv, message] of cases) {
    const p = parseScriptArgs(smokeLike, argv);
    expect(p.kind, argv.join(' ')).toBe('error');
    expect(p.kind === 'error' && p.text, argv.join(' ')).toContain(message);
  }
});

test('Playwright option values: wildcards and case in project names, workers as a percentage, trace modes, file:line filters', () => {
  expect(playwrightValueProblem('project', 'AUTH*', PROJECTS)).toBeUndefined();
  expect(playwrightValueProblem('workers', '50%', PROJECTS)).toBeUndefined();
  expect(playwrightValueProblem('retries', '0', PROJECTS)).toBeUndefined();
  expect(playwrightValueProblem('trace', 'on', PROJECTS)).toBeUndefined();
  expect(playwrightValueProblem('trace', 'always', PROJECTS)).toContain('--trace must be one of');
  expect(fileFilterProblem('flows/auth.spec.ts:12', FILES)).toBeUndefined();
  expect(fileFilterProblem('scan', FILES)).toBeUndefined();
  expect(fileFilterProblem('payment', FILES)).toContain("'payment' is neither an option");
});

test('--project names catalogue projects: each becomes a filter on its spec file, the other words kept in order; beside a file filter it is refused', () => {
  const specs = [{ name: 'preflight', spec: 'preflight.setup.ts' }, { name: 'auth', spec: 'auth.spec.ts' }, { name: 'auth-bypass', spec: 'auth-bypass.spec.ts' }, { name: 'scan', spec: 'scan.spec.ts' }];
  expect(projectsAsFileFilters(['--workers', '2', '--grep', 'x'], specs)).toEqual({ words: ['--workers', '2', '--grep', 'x'] });
  expect(projectsAsFileFilters(['--project=auth', '--workers', '2', '--project', 'SCAN'], specs)).toEqual({ words: ['--workers', '2', 'flows/auth\\.spec\\.ts$', 'flows/scan\\.spec\\.ts$'] });
  // a wildcard takes every project it matches, once
  expect(projectsAsFileFilters(['--project', 'auth*', '--project', 'auth'], specs)).toEqual({ words: ['flows/auth\\.spec\\.ts$', 'flows/auth-bypass\\.spec\\.ts$'] });
  // the filter matches its own file only (auth must not take auth-bypass)
  const re = new RegExp((projectsAsFileFilters(['--project', 'auth'], specs) as { words: string[] }).words[0]);
  expect(['/c/flows/auth.spec.ts', '/c/flows/auth-bypass.spec.ts', '/c/flows/xauth.spec.ts'].map((f) => re.test(f))).toEqual([true, false, false]);
  expect(projectsAsFileFilters(['--project', 'nope'], specs)).toEqual({ problem: expect.stringContaining('--project "nope" names no project; the projects are preflight, auth, auth-bypass, scan') });
  expect(projectsAsFileFilters(['--project', 'auth', 'scan'], specs)).toEqual({ problem: expect.stringContaining('use one of them') });
});
