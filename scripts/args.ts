// Command-line arguments of flowgate's scripts: node:util parseArgs, --help, and unknown flags named — decided before anything is touched.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { COMMON_EXITS, EXIT } from './exit-codes';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options a script hands on to another program (npm run smoke → Playwright), each one known here, so a typo is caught before anything runs. */
export interface PassThrough {
  options: Options;
  /** a problem with a positional argument (for Playwright: a test-file filter), or undefined when it is good */
  positional?: (arg: string) => string | undefined;
  /** a problem with the value of a passed-on option, or undefined when it is good */
  value?: (name: string, value: string) => string | undefined;
}

export interface ScriptArgs {
  /** the script's usage text, printed by --help */
  usage: string;
  options: Options;
  /** how many positional arguments the script takes (default 0) */
  maxPositionals?: number;
  /** options and positionals that go to another program, in their order; anything not listed is an error */
  passThrough?: PassThrough;
}

export type Parsed =
  | { kind: 'help'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'ok'; values: Record<string, string | boolean | undefined>; positionals: string[]; rest: string[] };

const HELP: Options = { help: { type: 'boolean', short: 'h' } };

/** The usage text with the exit codes every command shares. */
export function helpText(usage: string): string {
  return `${usage.trimEnd()}\n  ${COMMON_EXITS}`;
}

/** The problem, the usage line and where the rest is: a typo should not scroll the screen. */
const usageError = (message: string, spec: ScriptArgs): Parsed => ({ kind: 'error', text: `${message}\n${spec.usage.split('\n')[0]}\n(--help for the options; exit ${EXIT.USAGE}: nothing was run or deleted)` });

/**
 * Parses argv for a script; an unknown flag or a stray argument is an error naming it. Without passThrough, arguments
 * after `--` are `rest` (for the program the script starts, which checks them itself). With passThrough, the other
 * program's options and positionals are `rest`, in order, and each one is checked here.
 */
export function parseScriptArgs(spec: ScriptArgs, argv: string[]): Parsed {
  if (spec.passThrough) return passThrough(spec, spec.passThrough, argv);
  const options = { ...HELP, ...spec.options };
  const dash = argv.indexOf('--');
  const mine = dash < 0 ? argv : argv.slice(0, dash);
  const after = dash < 0 ? [] : argv.slice(dash + 1);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: mine, options, strict: true, allowPositionals: true });
  } catch (e: any) {
    // --help anywhere wins over a bad flag next to it
    if (mine.includes('--help') || mine.includes('-h')) return { kind: 'help', text: helpText(spec.usage) };
    return usageError(cleanMessage(e.message), spec);
  }
  if (parsed.values.help) return { kind: 'help', text: helpText(spec.usage) };
  const max = spec.maxPositionals ?? 0;
  if (parsed.positionals.length > max)
    return usageError(`unexpected argument${parsed.positionals.length - max > 1 ? 's' : ''} ${parsed.positionals.slice(max).map((p) => `'${p}'`).join(' ')}`, spec);
  return { kind: 'ok', values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals, rest: after };
}

function cleanMessage(message: string): string {
  return message.replace(/\. To specify a positional argument.*$/s, '').replace(/\. To specify an option argument.*$/s, '');
}

function passThrough(spec: ScriptArgs, other: PassThrough, argv: string[]): Parsed {
  const options = { ...other.options, ...HELP, ...spec.options };
  let tokens: NonNullable<ReturnType<typeof parseArgs>['tokens']>;
  try {
    ({ tokens } = parseArgs({ args: argv, options, strict: true, allowPositionals: true, tokens: true }));
  } catch (e: any) {
    const terminator = argv.indexOf('--');
    const before = terminator < 0 ? argv : argv.slice(0, terminator);
    if (before.includes('--help') || before.includes('-h')) return { kind: 'help', text: helpText(spec.usage) };
    return usageError(cleanMessage(e.message), spec);
  }
  const values: Record<string, string | boolean | undefined> = {};
  const rest: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option' && (t.name in spec.options || t.name === 'help')) {
      values[t.name] = t.value ?? true;
      continue;
    }
    const problem = t.kind === 'positional' ? other.positional?.(t.value) : t.kind === 'option' && t.value !== undefined ? other.value?.(t.name, t.value) : undefined;
    if (problem) return usageError(problem, spec);
    // the raw words, so the other program reads them exactly as written ("--x v" is two words)
    const words = t.kind === 'option' && t.value !== undefined && !t.inlineValue ? 2 : 1;
    rest.push(...argv.slice(t.index, t.index + words));
  }
  if (values.help) return { kind: 'help', text: helpText(spec.usage) };
  return { kind: 'ok', values, positionals: [], rest };
}

/** Runs the parse for a script: prints usage and exits 0 on --help, names the problem and exits 64 (usage error) on a bad argument. */
export function scriptArgs(spec: ScriptArgs, argv = process.argv.slice(2)): Extract<Parsed, { kind: 'ok' }> {
  const p = parseScriptArgs(spec, argv);
  if (p.kind === 'help') {
    process.stdout.write(`${p.text}\n`);
    process.exit(EXIT.GO);
  }
  if (p.kind === 'error') {
    process.stderr.write(`flowgate: ${p.text}\n`);
    process.exit(EXIT.USAGE);
  }
  return p;
}
