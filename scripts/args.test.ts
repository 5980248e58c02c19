// Unit tests of the scripts' argument parsing: --help wins, unknown flags and stray arguments are named, pass-through keeps order.
import { test, expect } from '@playwright/test';
import { parseScriptArgs } from './args';

const soakLike = { usage: 'usage: npm run soak -- [--runs N]', options: { runs: { type: 'string' as const } } };
const smokeLike = { usage: 'usage: npm run smoke', options: {}, passThrough: true };

test('known options parse, in both --x v and --x=v forms; --help and -h ask for usage', () => {
  expect(parseScriptArgs(soakLike, ['--runs', '3'])).toEqual({ kind: 'ok', values: { runs: '3' }, positionals: [], rest: [] });
  expect(parseScriptArgs(soakLike, ['--runs=4'])).toMatchObject({ kind: 'ok', values: { runs: '4' } });
  expect(parseScriptArgs(soakLike, ['--help'])).toEqual({ kind: 'help', text: soakLike.usage });
  expect(parseScriptArgs(soakLike, ['--runs', '3', '-h'])).toEqual({ kind: 'help', text: soakLike.usage });
});

test('an unknown flag or a stray argument is an error that names it and shows the usage', () => {
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

test('pass-through (smoke): Playwright flags are kept in order, only --help is flowgate\'s own', () => {
  expect(parseScriptArgs(smokeLike, ['--grep', 'auth', '--reporter=line', '--shard=1/2'])).toEqual({ kind: 'ok', values: {}, positionals: [], rest: ['--grep', 'auth', '--reporter=line', '--shard=1/2'] });
  expect(parseScriptArgs(smokeLike, ['--grep', 'auth', '-h']).kind).toBe('help');
  // after -- even -h is Playwright's
  expect(parseScriptArgs(smokeLike, ['--grep', 'auth', '--', '-h'])).toMatchObject({ kind: 'ok', rest: ['--grep', 'auth', '--', '-h'] });
});
