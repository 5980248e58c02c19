// npm run smoke: runs preflight, the four flows and the auth-bypass probes, then exits with the verdict (0 GO, 1 NO-GO, 2 could not evaluate); --release also needs every criterion met or signed off.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { generateRunId } from '../helpers/config/config';
import { exitFromVerdict, releaseExit } from './verdict-exit';
import { CRITERION_IDS } from '../helpers/verdict/criteria';
import { loadSignoffs } from '../helpers/verdict/signoffs';
import { GAP_IDS } from '../contracts/p0-gaps';
import { join } from 'node:path';
import { scriptArgs } from './args';
import { loadConfig } from '../helpers/config/config';
import { RUN_OUTPUTS, reportsDir, shardOutputs } from '../helpers/config/paths';
import { decideRunTarget } from '../helpers/config/run-target';
import type { TargetKind } from '../helpers/config/target';
import { ConfigError } from '../helpers/errors';
import { FLOW_NAMES } from '../contracts/flows';
import { EXIT, signalExit } from './exit-codes';
import { PLAYWRIGHT_OPTIONS_HELP } from './playwright-args';
import { playwrightWords, SMOKE_OPTIONS, smokePassThrough } from './smoke-args';
import { configSecrets, createLedger, LEDGER_VAR, readLedger, removeLedger } from '../helpers/scan/run-secrets';
import { scanRunArtifacts } from './artifact-verdict';

// Arguments first, every one of them (Playwright's too): --help or a typo must not delete the previous results.
const { rest, values } = scriptArgs({
  usage: `usage: npm run smoke [-- [--release] [--plaintext] [--verbose] [<Playwright Test options>]]
  Runs preflight, the ${FLOW_NAMES.join(', ')} flows, the auth-bypass probes and the transport and source checks against the target, writes
  reports/go-no-go.json, go-no-go.md, junit.xml and allure-results, and exits 0 GO, 1 NO-GO, 2 could not evaluate
  (target unreachable, refused or misconfigured, or no verdict written).
  The target comes from the environment or .env (see .env.example; FLOWGATE_ENV_FILE names another file).
  FLOWGATE_TARGET=embedded|staging says which; unset, no target variable (KONG_URL, KAFKA_BROKERS, *_DB_URL, REDIS_URL)
  means embedded: the reference stack is started for the run (npm run doctor says whether it can run here).
  A filtered run (--project, --grep, --grep-invert, a skipped test) is never GO: the verdict names what did not run.
  --release: the release pipeline's gate: exit 0 only when the verdict is GO and every criterion passed or is
  signed off (FLOWGATE_SIGNOFFS names the sign-off file); otherwise 1, naming the missing sign-offs.
  A target named or hosted as production (prod, production, live) is refused before any request (exit 2); no override.
  --plaintext: run a staging target configured in clear (http gateway, redis://, a database URL without
  sslmode=verify-full/verify-ca, Kafka SASL without TLS) on purpose; without it such a target is refused (exit 2).
  --verbose: print every step of every test as it ends (by default only a failed test's steps).
  ${PLAYWRIGHT_OPTIONS_HELP}
  Each is checked before anything is deleted: an unknown option, a project that does not exist, a bad --shard, or a
  filter matching no test file is a usage error. Colour on a terminal only (NO_COLOR=1 turns it off, FORCE_COLOR=1 on).`,
  options: SMOKE_OPTIONS,
  passThrough: smokePassThrough(),
});
// Checked with the rest, before anything is deleted: --project names a catalogue project, run as a filter on its spec file.
const words = playwrightWords(rest);

const root = join(__dirname, '..');
let settings: ReturnType<typeof loadConfig>['settings'];
let kind: TargetKind;
try {
  settings = loadConfig().settings;
  // A malformed sign-off file is a configuration error: said before minutes of flows, not after.
  loadSignoffs(process.env, CRITERION_IDS, GAP_IDS);
  // Said before any stack starts or any flow runs: a staging run missing KONG_URL must not test the embedded stack instead.
  // The decision goes on as FLOWGATE_TARGET; never production, and no secret in clear unless --plaintext says so. Only
  // this flag (not a FLOWGATE_PLAINTEXT left in the environment or .env) tells global setup the plaintext is on purpose.
  kind = decideRunTarget(process.env, { plaintext: values.plaintext === true });
  process.env.FLOWGATE_PLAINTEXT = values.plaintext === true ? 'true' : 'false';
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`flowgate: ${e.message}\ncould not evaluate (exit ${EXIT.NOT_EVALUATED}).`);
  process.exit(EXIT.NOT_EVALUATED);
}
if (kind === 'embedded') {
  // Loaded only for the embedded stack: a staging run does not pay for it.
  const { requirements, missingForEmbedded } = require('../stack/requirements') as typeof import('../stack/requirements');
  const missing = missingForEmbedded(requirements({ versions: false }));
  if (missing.length) {
    console.error(`flowgate: the target is embedded (FLOWGATE_TARGET=embedded, or no KONG_URL or other target variable), so the reference stack would start, but this machine lacks:\n${missing.map((r) => `  - ${r.name}: ${r.how}`).join('\n')}`);
    console.error('flowgate: set the target\'s variables (see .env.example) to test staging, or install the above (npm run doctor checks). Could not evaluate (exit 2).');
    process.exit(2);
  }
}
const reports = reportsDir();
// `--reporter=x` replaces every configured reporter; the verdict reporter must stay, or there is no verdict.
const VERDICT_REPORTER = './reporters/verdict-reporter.ts';
const args = words.flatMap((a, i, all) => {
  if (a.startsWith('--reporter=')) return [`${a},${VERDICT_REPORTER}`];
  if (a === '--reporter' && all[i + 1]) return [];
  if (all[i - 1] === '--reporter') return [`--reporter=${a},${VERDICT_REPORTER}`];
  return [a];
});

// Stale results would merge into this run's report and verdict.
for (const d of RUN_OUTPUTS) rmSync(join(reports, d), { recursive: true, force: true });

const shard = args.find((a) => a.startsWith('--shard'));
const env = { ...process.env };
// The console reporter prints every step with --verbose, only a failed test's otherwise.
if (values.verbose) env.FLOWGATE_VERBOSE = '1';
if (shard) {
  // Each shard keeps its blob in its own folder, so shards run on one machine do not overwrite each other.
  const id = (shard.split('=')[1] ?? args[args.indexOf(shard) + 1] ?? 'x').replace('/', '-of-');
  const own = shardOutputs(reports, id);
  env.PLAYWRIGHT_BLOB_OUTPUT_DIR = own.blob;
  env.FLOWGATE_ALLURE_RESULTS_DIR = own.allureResults;
  rmSync(env.FLOWGATE_ALLURE_RESULTS_DIR, { recursive: true, force: true });
  // A shard that dies before its blob is written must not leave the last run's blob to be merged as this one's.
  rmSync(env.PLAYWRIGHT_BLOB_OUTPUT_DIR, { recursive: true, force: true });
  // The blob report carries the run id (playwright.config.ts); npm run merge-reports merges only shards of one run.
  if (!env.FLOWGATE_RUN_ID) {
    env.FLOWGATE_RUN_ID = generateRunId();
    console.error(`flowgate: FLOWGATE_RUN_ID is not set; this shard's run id is ${env.FLOWGATE_RUN_ID}. Run the other shards with FLOWGATE_RUN_ID=${env.FLOWGATE_RUN_ID}, or npm run merge-reports refuses them (exit 2).`);
  }
}

// Tokens and passwords the workers obtain go to a private file outside reports/ (helpers/run-secrets.ts), for the artifact scan at the end.
let ledger: string;
try {
  ledger = createLedger(reports, env.FLOWGATE_RUN_ID || 'run');
} catch (err: any) {
  console.error(`flowgate: ${err.message}; could not evaluate (exit 2).`);
  process.exit(2);
}
env[LEDGER_VAR] = ledger;
process.on('exit', () => removeLedger(ledger));

// The runner's execArgv passes the code cache on to every worker it forks.
const child = spawn(process.execPath, ['--require', join(__dirname, 'code-cache.cjs'), require.resolve('@playwright/test/cli'), 'test', ...args], { cwd: root, env, stdio: 'inherit' });
// Ctrl-C or SIGTERM: Playwright stops its workers and runs the global teardown (which stops the stack), then this exits 130 or 143.
let signalled: NodeJS.Signals | undefined;
const forward = (sig: NodeJS.Signals) => {
  signalled ??= sig;
  process.stderr.write(`flowgate: ${sig}: stopping the run and the stack\n`);
  child.kill(sig);
};
process.on('SIGINT', forward);
process.on('SIGTERM', forward);

child.on('exit', async (code, signal) => {
  let exit = exitFromVerdict(reports, signal ? null : code, 'playwright');
  // After Playwright exited, every writer (JUnit, Allure, blob, traces, any --reporter) is done: the scan sees what will be uploaded.
  exit = await scanRunArtifacts({
    reportsDir: reports,
    // Playwright's outputDir (screenshots, traces) is under reports/ only when FLOWGATE_REPORTS_DIR is set (playwright.config.ts).
    also: settings.FLOWGATE_REPORTS_DIR ? [] : [join(root, 'test-results', 'flows')],
    secrets: [...configSecrets(process.env), ...readLedger(ledger)],
    exit,
    root,
  });
  removeLedger(ledger);
  if (signalled) process.exit(signalExit(signalled));
  process.exit(values.release ? releaseExit(reports, exit) : exit);
});
