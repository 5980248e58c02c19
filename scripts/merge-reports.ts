// npm run merge-reports [-- <dir>]: merges the shards (reports/shards/<i>-of-<n>/{blob,allure-results}) into one verdict and report; a missing shard means NO-GO.
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { exitFromVerdict } from './verdict-exit';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { scriptArgs } from './args';
import { checkFlowgateVars, loadEnvFile, runSettings } from '../helpers/config/config';
import { configSecrets } from '../helpers/scan/run-secrets';
import { scanRunArtifacts } from './artifact-verdict';
import { ConfigError } from '../helpers/errors';
import { checkShards, readBlobMeta, type ShardBlob } from './shards';
import { OUTPUT_NAMES, outputsIn, reportsDir, RUN_OUTPUTS } from '../helpers/config/paths';

const { positionals } = scriptArgs({
  usage: `usage: npm run merge-reports [-- <shards folder>]
  Merges the blob reports of a sharded run (npm run smoke -- --shard=1/2, --shard=2/2; default folder reports/shards)
  into one verdict: reports/go-no-go.json, go-no-go.md, junit.xml and allure-results. A missing shard is NO-GO.
  Every shard must be of one run (the run id its blob report carries: give every shard the same FLOWGATE_RUN_ID);
  shards of different runs, a shard twice or a blob without a run id exit 2, naming the run ids and folders.
  FLOWGATE_SHARDS_EXPECTED says how many shards the run had when the folders cannot. Exit 0 GO, 1 NO-GO, 2 could not evaluate.`,
  options: {},
  maxPositionals: 1,
});

let settings: ReturnType<typeof runSettings>;
try {
  settings = runSettings();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`flowgate: ${e.message}\ncould not evaluate (exit 2).`);
  process.exit(2);
}
const root = join(__dirname, '..');
const reports = reportsDir();
const source = resolve(positionals[0] ?? outputsIn(reports).shards);

function zipsUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? zipsUnder(p) : p.endsWith('.zip') ? [p] : [];
  });
}

const zips = zipsUnder(source);
if (zips.length === 0) {
  console.error(`flowgate: no blob reports under ${source}; run npm run smoke -- --shard=i/n first. Could not evaluate.`);
  process.exit(2);
}

// Each shard says which one it was, and of which run, in its own blob report (npm run smoke names its folder "<i>-of-<n>");
// shards of different runs, or a folder holding another shard's blob, are not one run's verdict.
const blobs: ShardBlob[] = [];
for (const z of zips) {
  const folder = relative(source, dirname(z)) || '.';
  const m = /(\d+)-of-(\d+)/.exec(folder);
  try {
    blobs.push({ folder, ...readBlobMeta(z), ...(m ? { named: { current: Number(m[1]), total: Number(m[2]) } } : {}) });
  } catch (err: any) {
    console.error(`flowgate: ${relative(source, z)} under ${source} is not a readable blob report: ${err.message}; could not evaluate.`);
    process.exit(2);
  }
}
const givenRunId = checkFlowgateVars(process.env, { only: ['FLOWGATE_RUN_ID'] }).settings.FLOWGATE_RUN_ID;
const check = checkShards(blobs, givenRunId);
if (!check.ok) {
  console.error(`flowgate: the blob reports under ${source} are not the shards of one run:\n${check.problems.map((p) => `  - ${p}`).join('\n')}\ncould not evaluate (exit 2).`);
  process.exit(2);
}
const seen = check.seen;
const expected = settings.FLOWGATE_SHARDS_EXPECTED ?? check.total;

const blobDir = mkdtempSync(join(tmpdir(), 'flowgate-blobs-'));
zips.forEach((z, i) => copyFileSync(z, join(blobDir, `${i}-${basename(z)}`)));
for (const d of RUN_OUTPUTS) rmSync(join(reports, d), { recursive: true, force: true });

// Allure results are one file per test and attachment: the shards' folders merge by copying (only the checked shards').
for (const shardDir of new Set(blobs.map((b) => b.folder.split(sep)[0]).filter((d) => d !== '.' && d !== 'blob'))) {
  const results = join(source, shardDir, OUTPUT_NAMES.allureResults);
  if (existsSync(results)) cpSync(results, outputsIn(reports).allureResults, { recursive: true });
}

// The merged verdict, its history line and the Allure environment name the run the shards share.
const runId = check.runId;
const env = { ...process.env, FLOWGATE_RUN_ID: runId, FLOWGATE_REPORTS_DIR: reports, FLOWGATE_SHARDS_EXPECTED: String(expected), FLOWGATE_SHARDS_SEEN: seen.join(',') };
const child = spawn(process.execPath, ['--require', join(root, 'scripts', 'code-cache.cjs'), require.resolve('@playwright/test/cli'), 'merge-reports', '-c', join(root, 'reporters', 'merge.config.ts'), blobDir], { cwd: root, env, stdio: 'inherit' });
child.on('exit', async (code) => {
  rmSync(blobDir, { recursive: true, force: true });
  const exit = exitFromVerdict(reports, code, 'merge-reports');
  // The merged output is scanned too. The shards' tokens died with their runs (each shard scanned its own output,
  // its blob included); here the configuration's secrets (environment and env file) and secretlint's patterns.
  const known = { ...process.env };
  try {
    loadEnvFile(undefined, known);
  } catch {
    // A missing FLOWGATE_ENV_FILE is the shards' concern; the environment's secrets are still searched.
  }
  process.exit(await scanRunArtifacts({ reportsDir: reports, also: inside(reports, source) ? [] : [source], secrets: configSecrets(known), exit, root }));
});

function inside(dir: string, p: string): boolean {
  const r = relative(resolve(dir), resolve(p));
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}
