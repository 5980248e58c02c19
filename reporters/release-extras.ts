// What the verdict reporter adds for the release manager, in one call: history comparison, Allure environment, per-flow timelines linked from go-no-go.md.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TestCase } from '@playwright/test/reporter';
import { checkFlowgateVars } from '../helpers/config/config';
import { TIMELINE_ATTACHMENT } from '../helpers/render/timeline';
import { appendHistory, compareWithHistory, historyFile, type HistoryUpdate, type TestLike } from './history';
import { redactPatterns } from '../helpers/redact';
import { outputsIn } from '../helpers/config/paths';

export interface ExtrasInput {
  env: Record<string, string | undefined>;
  /** where go-no-go.json goes */
  outDir: string;
  verdict: { runId?: string; finishedAt: string; target: { name: string; kongUrl?: string }; verdict: string; release?: string; allowFlaky?: boolean };
  tests: TestLike[];
  cases: TestCase[];
  /** a shard's own verdict covers part of a run: it neither joins the history nor writes the run's environment */
  partial: boolean;
  /** what every written string goes through (the verdict reporter's redactor; default the pattern rules) */
  redact?: (text: string) => string;
}

export interface Extras {
  /** new fields of go-no-go.json */
  fields: { environment?: Record<string, string>; sinceLastGo?: HistoryUpdate['sinceLastGo']; flakyPassRates?: HistoryUpdate['flakyPassRates']; timelines?: { flow: string; test: string; file: string }[] };
  /** the lines go-no-go.md gains below its headline */
  markdownHead: string[];
  /** the section go-no-go.md gains at its end */
  markdownTail: string[];
  consoleLine?: string;
  /** writes what must follow the verdict: the history line and the Allure environment */
  commit(): void;
}

/** A dependency's version from its package.json file, read directly: a package whose exports leave it out (@platformatic/kafka) is covered too. */
export const version = (pkg: string, root = join(__dirname, '..')): string => {
  try {
    return String(JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
};

/** environment.properties of the Allure results: written when the target is known (after global setup, after a merge). */
export function allureEnvironment(v: ExtrasInput['verdict']): Record<string, string> {
  return {
    target: v.target.name,
    ...(v.target.kongUrl ? { kongUrl: v.target.kongUrl } : {}),
    runId: v.runId ?? 'none',
    flowgate: require(join(__dirname, '..', 'package.json')).version,
    node: process.version,
    playwright: version('@playwright/test'),
    kafkaClient: `@platformatic/kafka ${version('@platformatic/kafka')}`,
    contracts: 'openapi 1.0, asyncapi 1.0 (frozen)',
  };
}

const properties = (o: Record<string, string>, redact: (text: string) => string = redactPatterns) =>
  Object.entries(o).map(([k, v]) => `${k}=${redact(v).replace(/\\/g, '\\\\').replace(/\n/g, ' ')}`).join('\n') + '\n';

/** Copies each test's timeline to reports/timelines/ so go-no-go.md can link it. */
function collectTimelines(cases: TestCase[], outDir: string, tests: TestLike[]): { flow: string; test: string; file: string }[] {
  const dir = outputsIn(outDir).timelines;
  rmSync(dir, { recursive: true, force: true });
  const out: { flow: string; test: string; file: string }[] = [];
  const used = new Set<string>();
  cases.forEach((c, i) => {
    const last = c.results[c.results.length - 1];
    const a = last?.attachments.find((x) => x.name === TIMELINE_ATTACHMENT);
    if (!a || (!a.path && !a.body)) return;
    const flow = tests[i]?.project ?? 'flow';
    let name = `${flow}.svg`;
    for (let n = 2; used.has(name); n++) name = `${flow}-${n}.svg`;
    used.add(name);
    mkdirSync(dir, { recursive: true });
    if (a.path) copyFileSync(a.path, join(dir, name));
    else writeFileSync(join(dir, name), a.body!);
    out.push({ flow, test: tests[i]?.title ?? c.title, file: join(dir, name) });
  });
  return out;
}

export function releaseExtras(input: ExtrasInput): Extras {
  const { env, outDir, verdict, tests, cases, partial } = input;
  const redact = input.redact ?? redactPatterns;
  const file = historyFile(env, outDir);
  // A malformed window is named by the run's own settings check; here it falls back to the default.
  const window = checkFlowgateVars(env, { only: ['FLOWGATE_FLAKY_WINDOW'] }).settings.FLOWGATE_FLAKY_WINDOW;
  const cmp = compareWithHistory(file, verdict, tests, window);
  let timelines: { flow: string; test: string; file: string }[] = [];
  try {
    timelines = collectTimelines(cases, outDir, tests);
  } catch (err: any) {
    console.warn(`flowgate: could not copy the flow timelines: ${err.message}`);
  }
  const markdownTail = timelines.length
    ? ['', '## Timelines', '', ...timelines.map((t) => `- ${t.flow}: [${t.test}](${relative(outDir, t.file)})`)]
    : [];
  return {
    // the environment the verdict was reached in (the Node that ran it, the libraries), as the Allure report shows it
    fields: { environment: allureEnvironment(verdict), ...(cmp.sinceLastGo ? { sinceLastGo: cmp.sinceLastGo } : {}), flakyPassRates: cmp.flakyPassRates, ...(timelines.length ? { timelines: timelines.map((t) => ({ ...t, file: relative(outDir, t.file) })) } : {}) },
    markdownHead: partial ? [] : [`> ${cmp.line}`],
    markdownTail,
    consoleLine: partial ? undefined : `history: ${cmp.line}`,
    commit() {
      if (partial) return;
      appendHistory(file, cmp.entry, redact);
      const results = env.FLOWGATE_ALLURE_RESULTS_DIR || outputsIn(outDir, env).allureResults;
      mkdirSync(results, { recursive: true });
      writeFileSync(join(results, 'environment.properties'), properties(allureEnvironment(verdict), redact));
    },
  };
}

/** go-no-go.md with the extra lines under its first heading and the extra section at its end. */
export function withExtras(markdown: string, head: string[], tail: string[]): string {
  const lines = markdown.replace(/\n$/, '').split('\n');
  const h = lines.findIndex((l) => l.startsWith('# '));
  if (head.length) lines.splice(h + 1, 0, '', ...head);
  return [...lines, ...tail].join('\n') + '\n';
}
