// npm run merge-reports [-- <dir>]: merges the shards (reports/shards/<i>-of-<n>/{blob,allure-results}) into one verdict and report; a missing shard means NO-GO.
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { exitFromVerdict } from './verdict-exit';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { scriptArgs } from './args';
import { checkFlowgateVars, loadEnvFile, runSettings } from '../helpers/config';
import { configSecrets } from '../helpers/run-secrets';
import { scanRunArtifacts } from './artifact-verdict';
import { ConfigError } from '../helpers/errors';

const { positionals } = scriptArgs({
  usage: `usage: npm run merge-reports [-- <shards folder>]
  Merges the blob reports of a sharded run (npm run smoke -- --shard=1/2, --shard=2/2; default folder reports/shards)
  into one verdict: reports/go-no-go.json, go-no-go.md, junit.xml and allure-results. A missing shard is NO-GO.
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
const reports = settings.FLOWGATE_REPORTS_DIR ?? join(root, 'reports');
const source = resolve(positionals[0] ?? join(reports, 'shards'));

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

// Each shard's folder says which one it was (npm run smoke names it "<i>-of-<n>").
const seen = new Set<number>();
const totals = new Set<number>();
for (const z of zips) {
  const m = /(\d+)-of-(\d+)/.exec(relative(source, dirname(z)));
  if (m) {
    seen.add(Number(m[1]));
    totals.add(Number(m[2]));
  }
}
if (totals.size > 1) {
  console.error(`flowgate: blob reports from runs split differently (${[...totals].join(', ')} shards) under ${source}; could not evaluate.`);
  process.exit(2);
}
const expected = settings.FLOWGATE_SHARDS_EXPECTED ?? [...totals][0] ?? seen.size;

const blobDir = mkdtempSync(join(tmpdir(), 'flowgate-blobs-'));
zips.forEach((z, i) => copyFileSync(z, join(blobDir, `${i}-${basename(z)}`)));
for (const d of ['allure-results', 'go-no-go.json', 'go-no-go.md', 'junit.xml']) rmSync(join(reports, d), { recursive: true, force: true });

// Allure results are one file per test and attachment: the shards' folders merge by copying.
for (const shardDir of readdirSync(source)) {
  const results = join(source, shardDir, 'allure-results');
  if (existsSync(results)) cpSync(results, join(reports, 'allure-results'), { recursive: true });
}

// The merged verdict, its history line and the Allure environment name the run the shards share.
const runIds = new Set(readdirSync(source).map((d) => join(source, d, 'run-id')).filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8').trim()));
const givenRunId = checkFlowgateVars(process.env, { only: ['FLOWGATE_RUN_ID'] }).settings.FLOWGATE_RUN_ID;
if (!givenRunId && runIds.size > 1) console.error(`flowgate: the shards carry different run ids (${[...runIds].join(', ')}); set FLOWGATE_RUN_ID for every shard.`);
const runId = givenRunId || (runIds.size === 1 ? [...runIds][0] : undefined);
const env = { ...process.env, ...(runId ? { FLOWGATE_RUN_ID: runId } : {}), FLOWGATE_REPORTS_DIR: reports, FLOWGATE_SHARDS_EXPECTED: String(expected), FLOWGATE_SHARDS_SEEN: [...seen].sort().join(',') };
const child = spawn(process.execPath, ['--require', join(root, 'scripts', 'code-cache.cjs'), require.resolve('@playwright/test/cli'), 'merge-reports', '-c', join(root, 'reports', 'merge.config.ts'), blobDir], { cwd: root, env, stdio: 'inherit' });
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
