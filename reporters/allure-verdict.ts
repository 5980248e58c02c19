// The verdict as Allure results: one result per §7 criterion (and per fired trigger) in a group named after the headline, so the report opens on it.
//
// Allure's awesome report scrolls its test tree to the first entry when it opens, so on a laptop screen the
// first thing a release manager sees is the tree's first group. That group is the verdict: its name is the
// headline, and a NO-GO opens it (Allure expands failed groups) on the failing criteria, each with its reason.
import { createHash } from 'node:crypto';
import { headline, releaseText, type VerdictLike } from './allure-config';
import { targetLabel } from '../helpers/config/target';

export interface AllureResult {
  uuid: string;
  historyId: string;
  testCaseId: string;
  name: string;
  fullName: string;
  status: 'passed' | 'failed' | 'broken' | 'skipped';
  statusDetails: { message?: string };
  stage: 'finished';
  description: string;
  start: number;
  stop: number;
  labels: { name: string; value: string }[];
  steps: never[];
  attachments: never[];
  parameters: never[];
}

const STATUS: Record<string, AllureResult['status']> = {
  pass: 'passed',
  'signed-off': 'passed',
  fail: 'failed',
  'not-run': 'broken',
  'awaiting-sign-off': 'skipped',
  'not-evaluated': 'skipped',
};
const WORDS: Record<string, string> = { pass: 'pass', 'signed-off': 'signed off', fail: 'FAIL', 'not-run': 'NOT RUN', 'awaiting-sign-off': 'awaiting sign-off', 'not-evaluated': 'not evaluated' };
// Failing first: the first entries of the opened group are what blocks the release.
const ORDER = ['fail', 'not-run', 'awaiting-sign-off', 'not-evaluated', 'signed-off', 'pass'];

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
/** Stable per run and entry, so building the report twice replaces, never duplicates. */
const uuidOf = (runId: string, key: string) => md5(`${runId}|${key}`).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
const firstLine = (s: string | undefined) => (s ?? '').split('\n').map((l) => l.trim()).find(Boolean) ?? '';
const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** The group (epic) every verdict entry sits in: the report's name, i.e. the headline. */
export const verdictGroup = (v: VerdictLike): string => `Go/No-Go: ${headline(v)} — ${targetLabel(v.target)}`;

export function verdictResults(v: VerdictLike, startedAtMs: number): AllureResult[] {
  const runId = v.runId ?? 'no-run-id';
  const epic = verdictGroup(v);
  const entries: { key: string; name: string; status: AllureResult['status']; message: string; description: string }[] = [];
  const criteria = [...(v.criteria ?? [])].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.id - b.id);
  // A NO-GO that no criterion explains (a missing shard, an interrupted run) leads with its reason.
  if (v.verdict !== 'GO' && !criteria.some((c) => c.status === 'fail' || c.status === 'not-run')) {
    const why = firstLine(v.notes?.[0]) || 'not every required check passed';
    entries.push({ key: 'why', name: `${v.verdict}: ${cut(why, 200)}`, status: 'failed', message: why, description: (v.notes ?? []).map((n) => `- ${n}`).join('\n') });
  }
  for (const c of criteria) {
    const detail = firstLine(c.detail);
    entries.push({
      key: `criterion-${c.id}`,
      name: `Criterion ${c.id} ${WORDS[c.status] ?? c.status} — ${c.title}${detail && c.status !== 'pass' ? `: ${cut(detail, 200)}` : ''}`,
      status: STATUS[c.status] ?? 'broken',
      message: detail,
      description: `**Criterion ${c.id}: ${c.title}** — ${WORDS[c.status] ?? c.status}\n\n${c.detail ?? ''}`,
    });
  }
  for (const t of (v.triggers ?? []).filter((x) => x.fired))
    entries.push({ key: `trigger-${t.id}`, name: `No-Go trigger fired — ${t.id}: ${cut(firstLine(t.detail), 200)}`, status: 'failed', message: firstLine(t.detail), description: t.detail ?? '' });

  // Before every test of the run, in this order (the report sorts by start time).
  const base = startedAtMs - 60_000;
  return entries.map((e, i) => ({
    uuid: uuidOf(runId, e.key),
    historyId: md5(`flowgate-verdict|${e.key}`),
    testCaseId: md5(`flowgate-verdict|${e.key}`),
    name: e.name,
    fullName: `flowgate verdict: ${e.key}`,
    status: e.status,
    statusDetails: e.message && e.status !== 'passed' ? { message: e.message } : {},
    stage: 'finished',
    description: `${e.description}\n\n${v.verdict} — ${releaseText(v)}`,
    start: base + i,
    stop: base + i,
    labels: [
      { name: 'epic', value: epic },
      { name: 'feature', value: 'Go/No-Go (seed §7)' },
      { name: 'severity', value: 'blocker' },
      { name: 'framework', value: 'flowgate' },
    ],
    steps: [],
    attachments: [],
    parameters: [],
  }));
}
