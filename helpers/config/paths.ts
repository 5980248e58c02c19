// Where a run's output goes, named once: the reports folder (FLOWGATE_REPORTS_DIR, default reports/ at the repository root) and every file and folder in it.
import { join, resolve } from 'node:path';
import type { Env } from './parsers';

/** The repository's root (this file is helpers/config/paths.ts). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** The names of a run's outputs inside the reports folder. */
export const OUTPUT_NAMES = {
  verdictJson: 'go-no-go.json',
  verdictMd: 'go-no-go.md',
  junit: 'junit.xml',
  allureResults: 'allure-results',
  /** the verdict as Allure results, written by `npm run report` beside the run's own */
  allureVerdict: 'allure-verdict',
  allureReport: 'allure-report',
  allureHistory: 'allure-history.jsonl',
  history: 'history.jsonl',
  timelines: 'timelines',
  bench: 'bench.json',
  shards: 'shards',
  testResults: 'test-results',
} as const;

/** What a new run deletes first: stale results would merge into its report and verdict. */
export const RUN_OUTPUTS = [OUTPUT_NAMES.allureResults, OUTPUT_NAMES.verdictJson, OUTPUT_NAMES.verdictMd, OUTPUT_NAMES.junit] as const;

/** The reports folder: FLOWGATE_REPORTS_DIR (relative to `cwd`), else reports/ at the repository's root. */
export function reportsDir(env: Env = process.env, cwd = process.cwd()): string {
  const set = env.FLOWGATE_REPORTS_DIR?.trim();
  return set ? resolve(cwd, set) : join(REPO_ROOT, 'reports');
}

export interface OutputPaths {
  reportsDir: string;
  verdictJson: string;
  verdictMd: string;
  junit: string;
  allureResults: string;
  allureVerdict: string;
  allureReport: string;
  timelines: string;
  shards: string;
  /** the run history (FLOWGATE_HISTORY moves it) */
  history: string;
  /** Allure's own history (FLOWGATE_ALLURE_HISTORY moves it) */
  allureHistory: string;
}

/** Every output path of a run whose reports folder is `dir`; the two histories follow their variables when set. */
export function outputsIn(dir: string, env: Env = process.env, cwd = process.cwd()): OutputPaths {
  const at = (name: string) => join(dir, name);
  const moved = (v: string | undefined, name: string) => (v?.trim() ? resolve(cwd, v.trim()) : at(name));
  return {
    reportsDir: dir,
    verdictJson: at(OUTPUT_NAMES.verdictJson),
    verdictMd: at(OUTPUT_NAMES.verdictMd),
    junit: at(OUTPUT_NAMES.junit),
    allureResults: at(OUTPUT_NAMES.allureResults),
    allureVerdict: at(OUTPUT_NAMES.allureVerdict),
    allureReport: at(OUTPUT_NAMES.allureReport),
    timelines: at(OUTPUT_NAMES.timelines),
    shards: at(OUTPUT_NAMES.shards),
    history: moved(env.FLOWGATE_HISTORY, OUTPUT_NAMES.history),
    allureHistory: moved(env.FLOWGATE_ALLURE_HISTORY, OUTPUT_NAMES.allureHistory),
  };
}

/** This run's output paths, from the environment. */
export function outputPaths(env: Env = process.env, cwd = process.cwd()): OutputPaths {
  return outputsIn(reportsDir(env, cwd), env, cwd);
}

/** A shard's own folders under the reports folder (`id` like 1-of-2): its blob report and its Allure results. */
export function shardOutputs(dir: string, id: string): { blob: string; allureResults: string } {
  const base = join(dir, OUTPUT_NAMES.shards, id);
  return { blob: join(base, 'blob'), allureResults: join(base, OUTPUT_NAMES.allureResults) };
}
