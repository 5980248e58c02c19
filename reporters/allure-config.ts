// The Allure 3 configuration of `npm run report`, computed from the run's verdict: headline as report name, the verdict on the first screen, categories, history.
import { existsSync } from 'node:fs';
import { outputPaths } from '../helpers/config/paths';
import { targetLabel } from '../helpers/config/target';
import { verdictOrUndefined } from '../helpers/config/verdict-file';

/** The slice of go-no-go.json the report reads (tolerant: older and newer verdicts both render). */
export interface VerdictLike {
  verdict: 'GO' | 'NO-GO' | string;
  release?: 'ready' | 'awaiting-sign-off' | string;
  awaitingSignOff?: number[];
  target?: { name?: string; kind?: string; kongUrl?: string };
  runId?: string;
  criteria?: { id: number; title: string; status: string; detail?: string }[];
  triggers?: { id: string; fired?: boolean; detail?: string }[];
  notes?: string[];
  couldNotEvaluate?: boolean;
  sinceLastGo?: { runId: string; newFailures: string[]; fixed: string[]; stillFailing: string[] };
}

/** Criterion statuses that leave the release waiting for a person (before and after the sign-off model). */
const AWAITING = ['awaiting-sign-off', 'not-evaluated'];
const FAILING = ['fail', 'not-run'];

/** The release state: the verdict's own `release` field when it has one, else derived from the criteria. */
export function releaseState(v: VerdictLike): { release: string; awaiting: number[] } {
  const derived = (v.criteria ?? []).filter((c) => AWAITING.includes(c.status)).map((c) => c.id);
  const awaiting = Array.isArray(v.awaitingSignOff) ? v.awaitingSignOff : derived;
  if (v.release) return { release: v.release, awaiting };
  const ready = (v.criteria ?? []).length > 0 && (v.criteria ?? []).every((c) => c.status === 'pass' || c.status === 'signed-off');
  return { release: ready ? 'ready' : 'awaiting-sign-off', awaiting };
}

/** 'release ready' or 'release awaiting sign-off: criteria 1, 3'. */
export function releaseText(v: VerdictLike): string {
  const { release, awaiting } = releaseState(v);
  if (release === 'ready') return 'release ready';
  const what = release.replace('awaiting-sign-off', 'awaiting sign-off');
  if (awaiting.length) return `release ${what}: criteri${awaiting.length === 1 ? 'on' : 'a'} ${awaiting.join(', ')}`;
  // Nothing waits for a person, yet the release is not ready: as helpers/verdict.ts' headline says, criteria failed or did not run.
  const blocking = (v.criteria ?? []).filter((c) => c.status === 'fail' || c.status === 'not-run').map((c) => c.id);
  return blocking.length ? `release blocked: criteri${blocking.length === 1 ? 'on' : 'a'} ${blocking.join(', ')} not met` : `release ${what}`;
}

/** The headline everywhere a person looks first: `GO — release awaiting sign-off: criteria 1, 3`. */
export function headline(v: VerdictLike): string {
  const verdict = v.couldNotEvaluate ? `${v.verdict} (could not evaluate)` : v.verdict;
  return `${verdict} — ${releaseText(v)}`;
}

/** The report's name: `flowgate NO-GO — release awaiting sign-off: criteria 1, 3 — staging — run fg-…`. */
export function reportName(v: VerdictLike | undefined): string {
  if (!v) return 'flowgate — no verdict: go-no-go.json missing (run npm run smoke first)';
  return [`flowgate ${headline(v)}`, targetLabel(v.target), v.runId ? `run ${v.runId}` : 'no run id'].join(' — ');
}

const oneLine = (s: string | undefined, max = 240) => {
  const line = (s ?? '').split('\n').map((l) => l.trim()).find(Boolean) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** The key/value pairs Allure shows above the tests ("Variables"): verdict, release, each failing criterion with its reason. */
export function reportVariables(v: VerdictLike | undefined, extra: Record<string, string> = {}): Record<string, string> {
  if (!v) return { Verdict: 'none — reports/go-no-go.json is missing; this report is not a Go/No-Go' };
  const out: Record<string, string> = { Verdict: v.couldNotEvaluate ? `${v.verdict} (could not evaluate)` : v.verdict, Release: releaseText(v).replace(/^release /, '') };
  const failing = (v.criteria ?? []).filter((c) => FAILING.includes(c.status));
  for (const c of failing) out[`Criterion ${c.id} ${c.status === 'fail' ? 'FAILED' : 'NOT RUN'}`] = `${c.title}: ${oneLine(c.detail)}`;
  const fired = (v.triggers ?? []).filter((t) => t.fired);
  if (fired.length) out['Triggers fired'] = fired.map((t) => t.id).join(', ');
  // A NO-GO with every criterion passing (a missing shard, an interrupted run) still says why.
  if (v.verdict !== 'GO' && failing.length === 0) out.Why = oneLine(v.notes?.[0]) || 'not every required check passed';
  return { ...out, ...extra };
}

/** The failure categories, as Allure 3's awesome report reads them (allure-playwright's categories.json is ignored by it). */
export const ALLURE_CATEGORIES = [
  { name: 'auth bypass', matchers: { message: /AuthBypass/ } },
  { name: 'auth probe error', matchers: { message: /ProbeServerError/ } },
  { name: 'contract violation', matchers: { message: /ContractViolation/ } },
  { name: 'event not observed', matchers: { message: /EventNotObserved/ } },
  { name: 'database state', matchers: { message: /DbStateMismatch|RedisStateMismatch/ } },
  { name: 'infrastructure unreachable', matchers: { message: /InfrastructureUnreachable|ECONNREFUSED|KafkaJSConnectionError/ } },
  { name: 'budget exceeded', matchers: { message: /BudgetExceeded|Test timeout of|Timeout \d+ms exceeded/ } },
  { name: 'unexpected response', matchers: { message: /UnexpectedResponse/ } },
  { name: 'configuration', matchers: { message: /ConfigError/ } },
];

export const HISTORY_LIMIT = 30;

export interface ReportPaths {
  reportsDir: string;
  results: string;
  /** the verdict as Allure results, written by `npm run report` beside the run's own */
  verdictResults: string;
  output: string;
  /** Allure's own history (trends, flaky marks across runs) */
  allureHistory: string;
  verdictJson: string;
  verdictMd: string;
}

export function reportPaths(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): ReportPaths {
  const p = outputPaths(env, cwd);
  return { reportsDir: p.reportsDir, results: p.allureResults, verdictResults: p.allureVerdict, output: p.allureReport, allureHistory: p.allureHistory, verdictJson: p.verdictJson, verdictMd: p.verdictMd };
}

/** The run's verdict (helpers/config/verdict-file.ts reads and checks it), or undefined when there is none. */
export function readVerdict(paths: { verdictJson: string }): VerdictLike | undefined {
  return verdictOrUndefined(paths.verdictJson);
}

/** The whole Allure configuration (plain data, so allurerc.ts stays one line and this stays testable). */
export function allureConfig(paths: ReportPaths, verdict: VerdictLike | undefined, extraVariables: Record<string, string> = {}) {
  const md = paths.verdictMd;
  return {
    name: reportName(verdict),
    output: paths.output,
    resultsDir: [paths.results, paths.verdictResults],
    historyPath: paths.allureHistory,
    historyLimit: HISTORY_LIMIT,
    variables: reportVariables(verdict, extraVariables),
    categories: { rules: ALLURE_CATEGORIES },
    // The flows' epic; anything without one (preflight) is still grouped, not left loose above the flows.
    defaultLabels: { epic: 'preflight' },
    globalAttachments: existsSync(md) ? [md] : [],
    plugins: {
      awesome: {
        options: {
          reportName: reportName(verdict),
          // One HTML file with its data inside: it opens from file://, as downloaded from CI.
          singleFile: true,
          reportLanguage: 'en',
          groupBy: ['epic', 'story'],
        },
      },
    },
  };
}

const DATA_FIRST = '<script>window.allureReportDataReady = false; window.allureReportData = window.allureReportData || {};</script>';

/**
 * Makes the single-file report open from disk every time. Allure's template declares its embedded data store
 * after the app script, so on a busy machine the app may look for it too early and fall back to fetch(),
 * which file:// refuses (an empty report). Declaring the store in <head> makes the app wait for the data.
 * The analytics tag is dropped too: a report opened from disk calls nobody.
 */
export function harden(html: string): string {
  if (!html.includes('window.allureReportData')) return html;
  let out = html.replace(/<script async src="https:\/\/www\.googletagmanager\.com\/[^"]*"><\/script>/g, '');
  if (!out.includes(DATA_FIRST)) out = out.replace('</head>', `${DATA_FIRST}\n</head>`);
  return out;
}
