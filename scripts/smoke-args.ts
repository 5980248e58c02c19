// npm run smoke's own options and what it passes on to Playwright: shared with soak and bench, which check a smoke run's options before starting anything.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from './exit-codes';
import { parseScriptArgs, type PassThrough, type ScriptArgs } from './args';
import { PROJECTS } from '../helpers/verdict/catalogue';
import { playwrightPassThrough, projectsAsFileFilters } from './playwright-args';

export const SMOKE_OPTIONS: ScriptArgs['options'] = { release: { type: 'boolean' }, plaintext: { type: 'boolean' }, verbose: { type: 'boolean' } };

/** Playwright's options as smoke takes them: its projects, and the files under flows/ as the only test-file filters. */
export function smokePassThrough(): PassThrough {
  return playwrightPassThrough(PROJECTS.map((p) => p.name), readdirSync(join(__dirname, '..', 'flows')).map((f) => `flows/${f}`));
}

/** The first problem with options meant for each smoke run (npm run soak -- -- <these>), or undefined. */
export function smokeOptionsProblem(argv: string[]): string | undefined {
  const p = parseScriptArgs({ usage: 'npm run smoke options (after the second --)', options: SMOKE_OPTIONS, passThrough: smokePassThrough() }, argv);
  if (p.kind === 'error') return p.text.split('\n')[0];
  if (p.kind === 'help') return 'npm run smoke -- --help shows the options of a smoke run';
  const words = projectsAsFileFilters(p.rest, PROJECTS);
  return 'problem' in words ? words.problem : undefined;
}

/** The words Playwright gets for a smoke run's pass-through: --project X as a filter on X's spec file (or exit 64). */
export function playwrightWords(rest: readonly string[]): string[] {
  const words = projectsAsFileFilters(rest, PROJECTS);
  if ('words' in words) return words.words;
  console.error(`flowgate: ${words.problem} (exit ${EXIT.USAGE})`);
  process.exit(EXIT.USAGE);
}

/** Exits 64 naming the problem when options meant for each smoke run are bad: said before any run or stack starts. */
export function refuseBadSmokeOptions(argv: string[]): void {
  const problem = smokeOptionsProblem(argv);
  if (!problem) return;
  console.error(`flowgate: ${problem} (exit ${EXIT.USAGE})`);
  process.exit(EXIT.USAGE);
}
