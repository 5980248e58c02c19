// The configuration of this process, loaded once: the dotenv file read into the environment, then the run settings parsed through the schema.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { ConfigError } from '../errors';
import type { Env } from './parsers';
import { checkFlowgateVars, RUN_VARS } from './read';
import type { FlowgateSettings } from './schema';

/**
 * Loads a dotenv file into `env` without overriding anything already set there (the environment wins, so
 * CI can override a developer's .env). The file is `path`, else FLOWGATE_ENV_FILE, else `.env`; a missing
 * `.env` is fine, a missing file the user named is a ConfigError.
 */
export function loadEnvFile(path?: string, env: Env = process.env): { path: string; loaded: string[] } {
  const named = path ?? env.FLOWGATE_ENV_FILE;
  const file = resolve(named ?? '.env');
  if (!existsSync(file)) {
    if (named) throw new ConfigError([`env file ${named} (FLOWGATE_ENV_FILE) does not exist`]);
    return { path: file, loaded: [] };
  }
  const parsed = parseDotenv(readFileSync(file));
  const loaded: string[] = [];
  for (const [k, v] of Object.entries(parsed)) {
    if (env[k] !== undefined) continue;
    env[k] = v;
    loaded.push(k);
  }
  return { path: file, loaded };
}

/** The run-level settings (workers, retries, flow budget, reports folder…), or a ConfigError naming each bad variable. */
export function runSettings(env: Env = process.env, cwd?: string): FlowgateSettings {
  const { settings, problems } = checkFlowgateVars(env, { cwd, only: RUN_VARS });
  if (problems.length) throw new ConfigError(problems, 'the run settings');
  return settings;
}

export interface LoadedConfig {
  /** the dotenv file and the variables it added */
  envFile: { path: string; loaded: string[] };
  /** the FLOWGATE_* run settings, parsed */
  settings: FlowgateSettings;
}

let loaded: LoadedConfig | undefined;

/**
 * This process's configuration: the dotenv file loaded into process.env and the run settings parsed, once; every later
 * call returns the same object. A bad setting or a missing named env file throws a ConfigError naming it (every call, until fixed).
 */
export function loadConfig(): LoadedConfig {
  if (loaded) return loaded;
  const envFile = loadEnvFile();
  loaded = { envFile, settings: runSettings(process.env) };
  return loaded;
}

/** Forgets the loaded configuration (tests that change the environment between loads). */
export function resetConfig(): void {
  loaded = undefined;
}
