// Command-line arguments of flowgate's scripts: node:util parseArgs, --help, and unknown flags named — decided before anything is touched.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ScriptArgs {
  /** the script's usage text, printed by --help */
  usage: string;
  options: Options;
  /** how many positional arguments the script takes (default 0) */
  maxPositionals?: number;
  /** everything the script does not know goes to another program (npm run smoke → Playwright) */
  passThrough?: boolean;
}

export type Parsed =
  | { kind: 'help'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'ok'; values: Record<string, string | boolean | undefined>; positionals: string[]; rest: string[] };

const HELP: Options = { help: { type: 'boolean', short: 'h' } };

/**
 * Parses argv for a script. With passThrough, only the script's own options are taken out and the rest is kept
 * in order; otherwise an unknown flag or a stray argument is an error naming it. Arguments after `--` are `rest`.
 */
export function parseScriptArgs(spec: ScriptArgs, argv: string[]): Parsed {
  const options = { ...HELP, ...spec.options };
  const dash = argv.indexOf('--');
  const mine = dash < 0 ? argv : argv.slice(0, dash);
  const after = dash < 0 ? [] : argv.slice(dash + 1);
  if (spec.passThrough) return passThrough(spec, options, mine, after);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: mine, options, strict: true, allowPositionals: true });
  } catch (e: any) {
    return { kind: 'error', text: `${e.message.replace(/\. To specify a positional argument.*$/s, '')}\n\n${spec.usage}` };
  }
  if (parsed.values.help) return { kind: 'help', text: spec.usage };
  const max = spec.maxPositionals ?? 0;
  if (parsed.positionals.length > max)
    return { kind: 'error', text: `unexpected argument${parsed.positionals.length - max > 1 ? 's' : ''} ${parsed.positionals.slice(max).map((p) => `'${p}'`).join(' ')}\n\n${spec.usage}` };
  return { kind: 'ok', values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals, rest: after };
}

function passThrough(spec: ScriptArgs, options: Options, mine: string[], after: string[]): Parsed {
  const { tokens } = parseArgs({ args: mine, options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | boolean | undefined> = {};
  const taken = new Set<number>();
  for (const t of tokens) {
    if (t.kind !== 'option' || !(t.name in options)) continue;
    // a value-taking option of ours written as "--x v" occupies two places
    values[t.name] = options[t.name].type === 'string' ? t.value : true;
    taken.add(t.index);
    if (options[t.name].type === 'string' && !t.inlineValue) taken.add(t.index + 1);
  }
  if (values.help) return { kind: 'help', text: spec.usage };
  const rest = mine.filter((_, i) => !taken.has(i));
  return { kind: 'ok', values, positionals: [], rest: after.length ? [...rest, '--', ...after] : rest };
}

/** Runs the parse for a script: prints usage and exits 0 on --help, names the problem and exits 2 on a bad argument. */
export function scriptArgs(spec: ScriptArgs, argv = process.argv.slice(2)): Extract<Parsed, { kind: 'ok' }> {
  const p = parseScriptArgs(spec, argv);
  if (p.kind === 'help') {
    process.stdout.write(`${p.text.trimEnd()}\n`);
    process.exit(0);
  }
  if (p.kind === 'error') {
    process.stderr.write(`flowgate: ${p.text.trimEnd()}\n`);
    process.exit(2);
  }
  return p;
}
