// The Allure 3 configuration of `npm run report`, computed from the run's verdict: headline as report name, the verdict on the first screen, categories, history.
import { existsSync } from 'node:fs';
import { outputPaths } from '../helpers/config/paths';
import { targetLabel } from '../helpers/config/target';
import { historyFileFor } from './allure-history';
import { categoryRules } from '../helpers/errors';
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

/** Criterion statuses, failing first: the first lines of the report's variables are what blocks the release. */
const ORDER = ['fail', 'not-run', 'awaiting-sign-off', 'not-evaluated', 'signed-off', 'pass'];
const WORDS: Record<string, string> = { pass: 'pass', 'signed-off': 'signed off', fail: 'FAIL', 'not-run': 'NOT RUN', 'awaiting-sign-off': 'awaiting sign-off', 'not-evaluated': 'not evaluated' };

/** One line per criterion: `FAIL — title: reason` (a pass says only its title). */
export function criterionLine(c: { title: string; status: string; detail?: string }): string {
  const detail = c.status === 'pass' ? '' : oneLine(c.detail);
  return `${WORDS[c.status] ?? c.status} — ${c.title}${detail ? `: ${detail}` : ''}`;
}

/**
 * The key/value pairs Allure shows above the test tree on the first screen ("Variables"): verdict, release, why, the
 * fired triggers and every criterion, failing ones first. The criteria live here, not as test results, so the
 * statistics, the status pie and the trend count the flows' tests only.
 */
export function reportVariables(v: VerdictLike | undefined, extra: Record<string, string> = {}): Record<string, string> {
  if (!v) return { Verdict: 'none — reports/go-no-go.json is missing; this report is not a Go/No-Go' };
  const out: Record<string, string> = { Verdict: v.couldNotEvaluate ? `${v.verdict} (could not evaluate)` : v.verdict, Release: releaseText(v).replace(/^release /, '') };
  const criteria = [...(v.criteria ?? [])].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.id - b.id);
  // A NO-GO with every criterion passing (a missing shard, an interrupted run) still says why.
  if (v.verdict !== 'GO' && !criteria.some((c) => FAILING.includes(c.status))) out.Why = oneLine(v.notes?.[0]) || 'not every required check passed';
  const fired = (v.triggers ?? []).filter((t) => t.fired);
  if (fired.length) out['Triggers fired'] = fired.map((t) => `${t.id}${t.detail ? `: ${oneLine(t.detail, 120)}` : ''}`).join('; ');
  for (const c of criteria) out[`Criterion ${c.id}`] = criterionLine(c);
  return { ...out, ...extra };
}

/**
 * The failure categories, as Allure 3's awesome report reads them (allure-playwright's categories.json is ignored by it):
 * one rule per category of the error classes, matching their names, and the fallback text categoryOf reads in errors
 * of no class of ours (connection failures, Playwright timeouts).
 */
export const ALLURE_CATEGORIES = categoryRules().map((r) => ({
  name: r.category,
  matchers: { message: new RegExp(`\\b(?:${r.names.join('|')})\\b${r.fallback ? `|${r.fallback.source}` : ''}`, r.fallback?.flags ?? '') },
}));

export const HISTORY_LIMIT = 30;

export interface ReportPaths {
  reportsDir: string;
  results: string;
  output: string;
  /** Allure's own history (trends, flaky marks across runs), before the target's name is put in (allureHistoryFor) */
  allureHistory: string;
  verdictJson: string;
  verdictMd: string;
}

export function reportPaths(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): ReportPaths {
  const p = outputPaths(env, cwd);
  return { reportsDir: p.reportsDir, results: p.allureResults, output: p.allureReport, allureHistory: p.allureHistory, verdictJson: p.verdictJson, verdictMd: p.verdictMd };
}

/** The run's verdict (helpers/config/verdict-file.ts reads and checks it), or undefined when there is none. */
export function readVerdict(paths: { verdictJson: string }): VerdictLike | undefined {
  return verdictOrUndefined(paths.verdictJson);
}

/** Allure's history file of the verdict's target: embedded and each staging target keep their own trend. */
export const allureHistoryFor = (paths: ReportPaths, v: VerdictLike | undefined): string => historyFileFor(paths.allureHistory, v?.target?.name);

/** The whole Allure configuration (plain data, so allurerc.ts stays one line and this stays testable). */
export function allureConfig(paths: ReportPaths, verdict: VerdictLike | undefined, extraVariables: Record<string, string> = {}) {
  const md = paths.verdictMd;
  return {
    name: reportName(verdict),
    output: paths.output,
    resultsDir: [paths.results],
    historyPath: allureHistoryFor(paths, verdict),
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
          // Failed, then broken, then passed, then skipped: the tests behind a NO-GO come first under the verdict.
          defaultSortBy: 'status,asc',
        },
      },
    },
  };
}

const DATA_FIRST = '<script>window.allureReportDataReady = false; window.allureReportData = window.allureReportData || {};</script>';

/**
 * The verdict stays the first screen: on load Allure focuses the test tree's first group and scrolls it to the top of
 * its container, which pushes the verdict's variables off screen on any run with more than a screenful. For its first
 * five seconds the page keeps every container at the top, until the reader scrolls, clicks or types.
 */
const VERDICT_ON_TOP =
  '<script data-flowgate="verdict-on-top">(function(){var t0=Date.now(),done=false;function stop(){done=true}' +
  "['wheel','keydown','mousedown','touchstart'].forEach(function(e){addEventListener(e,stop,{capture:true,once:true})});" +
  'var iv=setInterval(function(){if(done||Date.now()-t0>5000){clearInterval(iv);return}' +
  "document.querySelectorAll('#app, #app *').forEach(function(el){if(el.scrollTop>0)el.scrollTop=0})},50)})();</script>";

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
  if (!out.includes(VERDICT_ON_TOP)) out = out.replace('</body>', `${VERDICT_ON_TOP}\n</body>`);
  return out;
}
