// The verdict's renderings for people: go-no-go.md and the console table printed at the end of a run.
import { firstLine, formatMs } from '../helpers/errors';
import { targetLabel } from '../helpers/config/target';
import { type CriterionStatus, type FlowStatus, headline, type VerdictResult } from '../helpers/verdict/verdict';
import { type Paint, plain, toneOf } from '../helpers/render/colour';

const FLOW_MARK: Record<FlowStatus, string> = { passed: '✅ passed', failed: '❌ failed', flaky: '⚠️ flaky', skipped: '⏭️ skipped', 'not-run': '⛔ not-run' };
const CRIT_MARK: Record<CriterionStatus, string> = { pass: '✅ pass', fail: '❌ fail', 'not-run': '⛔ not-run', 'awaiting-sign-off': '✍️ awaiting sign-off', 'signed-off': '🖊️ signed off' };
const GAP_MARK: Record<string, string> = { remediated: '✅ remediated', open: '❌ open', 'needs code review': '✍️ needs code review', 'not-run': '⛔ not-run' };
const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** go-no-go.md: the same content as go-no-go.json, for people. */
export function renderMarkdown(r: VerdictResult): string {
  const out: string[] = [];
  out.push(`# Go/No-Go: **${headline(r)}**`, '');
  out.push(`- target: ${targetLabel(r.target)}${r.target.kongUrl ? ` (${r.target.kongUrl})` : ''}`);
  if (r.runId) out.push(`- run: ${r.runId}`);
  out.push(`- started: ${r.startedAt}`, `- finished: ${r.finishedAt}`);
  if (r.exitCode !== undefined) out.push(`- exit code: ${r.exitCode}${r.couldNotEvaluate ? ' (could not evaluate)' : ''}`);
  out.push(`- flaky passes ${r.allowFlaky ? 'allowed' : 'count as NO-GO'}`, '');
  if (r.notes.length) {
    out.push('## Why', '');
    for (const n of r.notes) out.push(`- ${n.split('\n').map((l) => l.replace(/\|/g, '\\|').trim()).filter(Boolean).join('\n  ')}`);
    out.push('');
  }
  out.push('## Criteria (compliance matrix §7)', '', '| # | criterion | status | detail |', '|---|---|---|---|');
  for (const c of r.criteria) out.push(`| ${c.id} | ${md(c.title)} | ${CRIT_MARK[c.status]} | ${md(c.detail)} |`);
  const gaps = r.criteria.find((c) => c.rows?.length);
  if (gaps?.rows) {
    out.push('', `## Criterion ${gaps.id}: P0 gaps (compliance matrix §3)`, '', '| gap | service | status | detail |', '|---|---|---|---|');
    for (const g of gaps.rows) out.push(`| ${g.gap} | ${g.service} | ${GAP_MARK[g.status] ?? g.status} | ${md(g.detail)} |`);
  }
  out.push('', '## Sign-offs', '');
  if (!r.signoffs.length) out.push(r.awaitingSignOff.length ? `- none given (FLOWGATE_SIGNOFFS); awaiting: criteria ${r.awaitingSignOff.join(', ')}` : '- none needed');
  for (const so of r.signoffs)
    out.push(`- criterion ${so.criterion}: ${md(so.by)}, ${so.date}, [evidence](${so.evidence})${so.note ? ` — ${md(so.note)}` : ''}${so.applied ? '' : ` — ${md(so.reason ?? 'ignored')}`}`);
  out.push('', '## No-Go triggers', '', '| trigger | fired | detail |', '|---|---|---|');
  for (const t of r.triggers) out.push(`| ${md(t.title)} (\`${t.id}\`) | ${t.fired ? '🔥 FIRED' : t.status === 'clear' ? 'no' : t.status} | ${md(t.detail)} |`);
  out.push('', '## Flows', '', '| flow | status | duration | failing step |', '|---|---|---|---|');
  for (const f of r.flows)
    out.push(`| ${f.name} | ${FLOW_MARK[f.status]} | ${formatMs(f.durationMs)} | ${f.failingStep ? md(`${f.failingStep.title}: ${f.failingStep.error}`) : ''} |`);
  for (const f of r.flows) {
    if (!f.steps.length) continue;
    out.push('', `### ${f.name}`, '');
    for (const s of f.steps) out.push(`- ${s.status === 'passed' ? '✅' : s.status === 'failed' ? '❌' : '⏭️'} ${md(s.title)} (${formatMs(s.durationMs)})${s.error ? ` — ${md(s.error)}` : ''}`);
  }
  out.push('', '## Evidence', '');
  for (const c of r.criteria) {
    out.push(`### Criterion ${c.id}: ${md(c.title)} — ${CRIT_MARK[c.status]}`, '');
    if (!c.evidence.length) out.push(`- no test gave evidence${c.status === 'pass' ? '' : `: ${md(c.detail)}`}`);
    for (const e of c.evidence) {
      out.push(`- **${md(e.test)}** (${e.project}): ${e.status}${e.retries ? `, ${e.retries} retr${e.retries === 1 ? 'y' : 'ies'}` : ''}, ${formatMs(e.durationMs)}`);
      if (e.failingStep) out.push(`  - failing step: ${md(e.failingStep.title)} (${e.failingStep.category}): ${md(e.failingStep.error)}`);
      for (const m of e.missing) out.push(`  - missing: ${md(m.detail)}`);
      for (const o of e.observed) out.push(`  - observed ${o.kind}${o.name ? ` ${md(o.name)}` : ''}: ${md(o.summary)}`);
    }
    out.push('');
  }
  return out.join('\n') + '\n';
}

// Always at least one space between columns; an over-long cell is cut with an ellipsis.
const pad = (s: string, n: number) => (s.length >= n ? `${s.slice(0, n - 2)}… ` : s + ' '.repeat(n - s.length));

/** The short table printed at the end of a run; `paint` colours the verdict and the statuses (helpers/render/colour.ts). */
export function renderConsoleTable(r: VerdictResult, paint: Paint = plain): string {
  const lines: string[] = [];
  const bar = '─'.repeat(78);
  const verdictTone = r.couldNotEvaluate ? 'unknown' : toneOf(r.verdict);
  const head = `flowgate verdict: ${headline(r)}${r.couldNotEvaluate ? ' (could not evaluate)' : ''}`;
  lines.push(bar, `${paint(verdictTone, head)}${r.target.kongUrl ? `   gateway: ${r.target.kongUrl}` : ''}${r.runId ? `   run: ${r.runId}` : ''}`, bar);
  lines.push(`${pad('criterion', 64)}${pad('status', 19)}evidence`);
  for (const c of r.criteria) {
    const n = c.evidence.reduce((a, e) => a + e.observed.length, 0);
    lines.push(`${pad(`${String(c.id).padStart(2)} ${c.title}`, 64)}${paint(toneOf(c.status), pad(c.status, 19))}${c.signoff ? `by ${c.signoff.by}, ${c.signoff.date}` : c.evidence.length ? String(n) : ''}`);
    // remediated gaps on one line: the rows that need someone's attention stand out
    const done = (c.rows ?? []).filter((g) => g.status === 'remediated');
    if (done.length) lines.push(`     ${paint('go', pad('remediated', 26))}${done.map((g) => g.gap).join(', ')}`);
    for (const g of (c.rows ?? []).filter((g) => g.status !== 'remediated')) lines.push(`     ${pad(g.gap, 7)}${paint(toneOf(g.status), pad(g.status, 19))}${firstLine(g.detail).slice(0, 120)}`);
  }
  const fired = r.triggers.filter((t) => t.fired);
  lines.push('', `triggers fired: ${fired.length ? '' : 'none'}`);
  for (const t of fired) lines.push(`  ${t.id}: ${firstLine(t.detail).slice(0, 160)}`);
  lines.push('', `${pad('flow', 13)}${pad('status', 9)}${pad('duration', 10)}failing step / error`);
  for (const f of r.flows) {
    const fail = f.failingStep ? `${f.failingStep.title}: ${f.failingStep.error}` : '';
    lines.push(`${pad(f.name, 13)}${paint(toneOf(f.status), pad(f.status, 9))}${pad(formatMs(f.durationMs), 10)}${fail.slice(0, 200)}`);
  }
  if (r.notes.length) {
    lines.push('', 'notes:');
    for (const n of r.notes) {
      const [head, ...rest] = n.split('\n').filter((l) => l.trim() !== '');
      lines.push(`  - ${head.slice(0, 220)}`);
      for (const l of rest.slice(0, 12)) lines.push(`    ${l.trim().slice(0, 200)}`);
    }
  }
  lines.push(bar);
  return lines.join('\n') + '\n';
}
