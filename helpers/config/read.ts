// Reading variables through the schema: each one set is parsed by its parser, and each problem names the variable.
import { ConfigError, withoutCredentials } from '../errors';
import { Invalid, type Env, type Parser } from './parsers';
import { CONFIG_VARS, specOf, type ConfigVar, type FlowgateSettings, type FlowgateVar, type ParsedOf, type VarSpec } from './schema';

/** A variable's value as the configuration sees it: trimmed, and undefined when unset or empty (dotenv turns `KEY=` into ''). */
export function rawValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** Parses and collects problems for a set of variables: the one place a value meets its parser. */
export class VarReader {
  readonly problems: string[] = [];
  constructor(
    readonly env: Env,
    readonly cwd: string,
  ) {}

  raw(name: ConfigVar): string | undefined {
    return rawValue(this.env, name);
  }

  /** The parsed value, or undefined when unset or invalid (the problem is recorded). */
  get<T>(name: ConfigVar): T | undefined {
    const raw = this.raw(name);
    const spec = specOf(name) as VarSpec<T>;
    if (raw === undefined) return undefined;
    if (!spec.parse) return raw as T;
    try {
      return (spec.parse as Parser<T>)(raw, { cwd: this.cwd });
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      this.problems.push(`${name} ${withoutCredentials(e.why)}`);
      return undefined;
    }
  }

  /** As get, and a missing value is a problem saying what the variable is (`why` overrides the schema's text). */
  need<T>(name: ConfigVar, why?: string): T | undefined {
    if (this.raw(name) === undefined) {
      this.problems.push(`${name} is required (${why ?? specOf(name)?.required ?? 'no default'})`);
      return undefined;
    }
    return this.get<T>(name);
  }
}

/** Parses every FLOWGATE_* variable that is set; problems name the variable. Empty means not set. */
export function checkFlowgateVars(env: Env, opts: { cwd?: string; only?: readonly FlowgateVar[] } = {}): { settings: FlowgateSettings; problems: string[] } {
  const reader = new VarReader(env, opts.cwd ?? process.cwd());
  const settings: Record<string, unknown> = {};
  for (const name of Object.keys(CONFIG_VARS) as ConfigVar[]) {
    if (!name.startsWith('FLOWGATE_') || (opts.only && !opts.only.includes(name as FlowgateVar))) continue;
    const v = reader.get(name);
    if (v !== undefined) settings[name] = v;
  }
  return { settings: settings as FlowgateSettings, problems: reader.problems };
}

/** The FLOWGATE_* variables that are not the target's (workers, retries, flow budget, reports folder…). */
export const RUN_VARS = (Object.keys(CONFIG_VARS) as ConfigVar[]).filter((k): k is FlowgateVar => k.startsWith('FLOWGATE_') && CONFIG_VARS[k].scope !== 'target');

/** One variable through its parser: its value, undefined when unset, or a ConfigError naming it when malformed. */
export function readVar<K extends ConfigVar>(env: Env, name: K, cwd = process.cwd()): ParsedOf<K> | undefined {
  const reader = new VarReader(env, cwd);
  const v = reader.get<ParsedOf<K>>(name);
  if (reader.problems.length) throw new ConfigError(reader.problems, `the setting ${name}`);
  return v;
}
