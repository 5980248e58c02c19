// How the target travels through a run: decided once by the entry (npm run smoke, or global setup for a bare Playwright run), parsed once in the runner, and handed to the workers as one typed JSON variable.
import { ConfigError } from '../errors';
import type { Env } from './parsers';
import { parseTargetConfig, type TargetConfig } from './target-config';
import { decideTarget, type TargetKind } from './target';
import { targetRefusals } from './target-safety';

/** The variable the runner writes and the workers read (its value holds the target's credentials: a secret in the schema). */
export const TARGET_CONFIG_VAR = 'FLOWGATE_TARGET_CONFIG';

/** The target as handed on: its kind, the run it belongs to, and either its configuration or why it does not parse. */
export type HandedTarget = { kind: TargetKind; runId: string } & ({ config: TargetConfig } | { problems: string[] });

/**
 * Which target this run is for, or a ConfigError saying why none: a contradiction (FLOWGATE_TARGET against the target
 * variables), a production target, or one in clear without `plaintext`. Writes the decision to FLOWGATE_TARGET.
 */
export function decideRunTarget(env: Env, opts: { plaintext: boolean }): TargetKind {
  const target = decideTarget(env);
  if (!target.ok) throw new ConfigError([target.problem], 'the target (FLOWGATE_TARGET)');
  env.FLOWGATE_TARGET = target.kind;
  const refusals = targetRefusals(env, { kind: target.kind, plaintext: opts.plaintext });
  if (refusals.length) throw new ConfigError(refusals, 'the target (refused before any request)');
  return target.kind;
}

/**
 * Parses the target once, in the runner, once its variables are final (after the embedded stack set them), and writes
 * it to FLOWGATE_TARGET_CONFIG for the workers. A configuration that does not parse travels as its problems: preflight
 * reports them, naming each variable, as the verdict's could-not-evaluate reason.
 */
export function handOnTarget(kind: TargetKind, env: Env): HandedTarget {
  const runId = env.FLOWGATE_RUN_ID ?? '';
  let handed: HandedTarget;
  try {
    handed = { kind, runId, config: parseTargetConfig(env) };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    handed = { kind, runId, problems: e.problems };
  }
  env[TARGET_CONFIG_VAR] = JSON.stringify(handed);
  return handed;
}

/** The handed-on target of this run, or undefined when none was handed on (or it belongs to another run id). */
export function readHandedTarget(env: Env): HandedTarget | undefined {
  const raw = env[TARGET_CONFIG_VAR]?.trim();
  if (!raw) return undefined;
  let v: any;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new ConfigError([`${TARGET_CONFIG_VAR} is not JSON (it is written by global setup; unset it)`], 'the handed-on target');
  }
  const shaped = v && (v.kind === 'embedded' || v.kind === 'staging') && typeof v.runId === 'string' && (Array.isArray(v.problems) || (v.config && typeof v.config.kong?.url === 'string'));
  if (!shaped) throw new ConfigError([`${TARGET_CONFIG_VAR} does not hold a target (kind, runId, config or problems); it is written by global setup: unset it`], 'the handed-on target');
  // One left in the environment by an outer run is not this run's.
  if ((env.FLOWGATE_RUN_ID ?? '') !== v.runId) return undefined;
  return v as HandedTarget;
}

let parsedHere: TargetConfig | undefined;

/**
 * The target's configuration in a worker: the one global setup handed on; without one (a fixture used outside the
 * harness's global setup) the environment parsed once in this process. A ConfigError names every bad variable.
 */
export function runTarget(env: Env = process.env): TargetConfig {
  const handed = readHandedTarget(env);
  if (handed) {
    if ('problems' in handed) throw new ConfigError(handed.problems);
    return handed.config;
  }
  parsedHere ??= parseTargetConfig(env);
  return parsedHere;
}
