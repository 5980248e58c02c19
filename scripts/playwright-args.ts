// The Playwright Test options npm run smoke and npm test hand on, each known by name and checked here, so a typo is a usage error before anything is deleted.
import { parseArgs } from 'node:util';
import type { PassThrough } from './args';
import { escapeRegExp } from '../helpers/regex';

/**
 * The Playwright Test options flowgate passes on (a chosen list, not Playwright's whole CLI: options that would
 * change where reports go or what config is read, such as --config, --output or --ui, are not offered).
 */
export const PLAYWRIGHT_OPTIONS: PassThrough['options'] = {
  grep: { type: 'string', short: 'g', multiple: true },
  'grep-invert': { type: 'string', multiple: true },
  project: { type: 'string', multiple: true },
  shard: { type: 'string' },
  reporter: { type: 'string' },
  workers: { type: 'string', short: 'j' },
  retries: { type: 'string' },
  'repeat-each': { type: 'string' },
  'max-failures': { type: 'string' },
  timeout: { type: 'string' },
  'global-timeout': { type: 'string' },
  trace: { type: 'string' },
  headed: { type: 'boolean' },
  debug: { type: 'boolean' },
  list: { type: 'boolean' },
  quiet: { type: 'boolean' },
  'last-failed': { type: 'boolean' },
  'fail-on-flaky-tests': { type: 'boolean' },
  'forbid-only': { type: 'boolean' },
  'pass-with-no-tests': { type: 'boolean' },
  'no-deps': { type: 'boolean' },
};

/** One line for --help naming what passes through. */
export const PLAYWRIGHT_OPTIONS_HELP = `Playwright Test options passed on: ${Object.entries(PLAYWRIGHT_OPTIONS)
  .map(([name, o]) => `--${name}${o.type === 'string' ? ' X' : ''}`)
  .join(', ')}; and test-file filters (a regular expression on the file path, optionally :line).`;

const TRACE_MODES = ['on', 'off', 'on-first-retry', 'on-all-retries', 'retain-on-failure', 'retain-on-first-failure'];

/** A problem with the value of a passed-on option, or undefined when Playwright will accept it. */
export function playwrightValueProblem(name: string, value: string, projects: readonly string[]): string | undefined {
  const count = (v: string, min: number) => (/^\d+$/.test(v) && Number(v) >= min ? undefined : `--${name} must be a whole number${min ? ` ≥ ${min}` : ''}, got "${v}"`);
  switch (name) {
    case 'shard': {
      const m = /^(\d+)\/(\d+)$/.exec(value);
      return m && Number(m[1]) >= 1 && Number(m[1]) <= Number(m[2]) ? undefined : `--shard must be i/n with 1 ≤ i ≤ n, got "${value}"`;
    }
    case 'workers':
      return /^\d+%$/.test(value) ? undefined : count(value, 1);
    case 'retries':
    case 'max-failures':
    case 'timeout':
    case 'global-timeout':
      return count(value, 0);
    case 'repeat-each':
      return count(value, 1);
    case 'trace':
      return TRACE_MODES.includes(value) ? undefined : `--trace must be one of ${TRACE_MODES.join(', ')}, got "${value}"`;
    case 'project': {
      const re = projectMatcher(value);
      return projects.some((p) => re.test(p)) ? undefined : `--project "${value}" names no project; the projects are ${projects.join(', ')}`;
    }
    case 'grep':
    case 'grep-invert':
      return regexProblem(`--${name}`, value);
    default:
      return undefined;
  }
}

/** A --project value as Playwright reads one: the whole name, case-insensitively, with * as a wildcard. */
const projectMatcher = (value: string) => new RegExp(`^${value.split('*').map(escapeRegExp).join('.*')}$`, 'i');

function regexProblem(what: string, value: string): string | undefined {
  try {
    new RegExp(value);
    return undefined;
  } catch (e: any) {
    return `${what} is not a regular expression (${e.message})`;
  }
}

/**
 * A problem with a test-file filter, or undefined when it matches one of the files. Playwright reads a positional
 * argument as a regular expression on the file's path (with an optional :line[:column]); one that matches no file
 * is a typo (npm run smoke relase), said before anything is deleted.
 */
export function fileFilterProblem(arg: string, files: readonly string[]): string | undefined {
  const pattern = arg.replace(/(:\d+){1,2}$/, '');
  const bad = regexProblem(`the test-file filter '${arg}'`, pattern);
  if (bad) return bad;
  const re = new RegExp(pattern);
  return files.some((f) => re.test(f) || f.includes(pattern)) ? undefined : `'${arg}' is neither an option nor a filter matching a test file (${files.join(', ')})`;
}

/** The pass-through of a Playwright run whose projects and test files are known. */
export function playwrightPassThrough(projects: readonly string[], files: readonly string[]): PassThrough {
  return {
    options: PLAYWRIGHT_OPTIONS,
    value: (name, value) => playwrightValueProblem(name, value, projects),
    positional: (arg) => fileFilterProblem(arg, files),
  };
}

/**
 * The Playwright words of a run with each `--project X` turned into a filter on the spec files of the catalogue
 * projects X names. Playwright knows two projects (the preflight, and the gate behind it: helpers/verdict/projects.ts);
 * users name catalogue projects (auth, scan, transport…). A file filter narrows the gate's files while the preflight,
 * a dependency, still runs whole, as it did under --project. Beside a file filter of the user's it would widen the
 * selection instead (Playwright ORs file filters), so the two together are refused.
 */
export function projectsAsFileFilters(words: readonly string[], projects: readonly { name: string; spec: string }[]): { words: string[] } | { problem: string } {
  const { tokens } = parseArgs({ args: [...words], options: PLAYWRIGHT_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const named: string[] = [];
  const kept: string[] = [];
  let userFilters = false;
  for (const t of tokens) {
    const width = t.kind === 'option' && t.value !== undefined && !t.inlineValue ? 2 : 1;
    if (t.kind === 'option' && t.name === 'project' && t.value !== undefined) named.push(t.value);
    else {
      if (t.kind === 'positional') userFilters = true;
      kept.push(...words.slice(t.index, t.index + width));
    }
  }
  if (named.length === 0) return { words: kept };
  if (userFilters) return { problem: '--project and a test-file filter select files each; use one of them (a file filter beside --project would run both selections)' };
  const specs = new Set<string>();
  for (const value of named) {
    const re = projectMatcher(value);
    const hit = projects.filter((p) => re.test(p.name));
    if (hit.length === 0) return { problem: `--project "${value}" names no project; the projects are ${projects.map((p) => p.name).join(', ')}` };
    for (const p of hit) specs.add(p.spec);
  }
  return { words: [...kept, ...[...specs].map((s) => `flows/${escapeRegExp(s)}$`)] };
}
