// A flow's timeline as a self-contained SVG: its steps on a time axis with each request → response, the events and rows seen (lag after the request), the budgets, and what a failed step still awaited.

/** Attachment name of a test's timeline (image/svg+xml). */
export const TIMELINE_ATTACHMENT = 'flowgate-timeline';
export const TIMELINE_CONTENT_TYPE = 'image/svg+xml';

export interface TimelineStep {
  title: string;
  start: number;
  end: number;
  status: 'passed' | 'failed';
  /** first line of the error of a failed step */
  error?: string;
}

/** Something the harness did or saw during a step (ms epoch times). */
export interface TimelineItem {
  kind: 'http' | 'event' | 'row' | 'redis' | 'wait';
  step: string;
  start: number;
  /** for http: the response; for a satisfied wait: when it was satisfied */
  end?: number;
  label: string;
  /** event/row/redis: ms after the step's last request before it */
  lagMs?: number;
  /** wait: its budget, drawn from its start */
  budgetMs?: number;
  /** wait: false when the budget ran out (what was still awaited) */
  ok?: boolean;
}

export interface Timeline {
  flow: string;
  test: string;
  runId?: string;
  steps: TimelineStep[];
  items: TimelineItem[];
  /** the step budget, drawn on every step */
  stepBudgetMs?: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const fmt = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);

/** The request most recently sent before `at` in the same step: the lag of what was seen is measured from it. */
export function lagAfterRequest(items: TimelineItem[], step: string, at: number): number | undefined {
  const sent = items.filter((i) => i.kind === 'http' && i.step === step && i.start <= at).map((i) => i.start);
  return sent.length ? at - Math.max(...sent) : undefined;
}

function niceTick(spanMs: number): number {
  const raw = spanMs / 8;
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  return [1, 2, 5, 10].map((m) => m * pow).find((t) => t >= raw) ?? 10 * pow;
}

const COLORS = { passed: '#2e9d57', failed: '#d93025', http: '#3b6fd8', event: '#8e44ad', row: '#b7791f', redis: '#b7791f', budget: '#e8ecf2', missing: '#d93025' };

/** The timeline as one SVG document (no scripts, no external references: it renders from an attachment or from disk). */
export function renderTimelineSvg(t: Timeline): string {
  const W = 1200;
  const LABEL = 380;
  const ROW = 18;
  const t0 = Math.min(...t.steps.map((s) => s.start), ...t.items.map((i) => i.start), Date.now());
  const ends = [...t.steps.map((s) => s.end), ...t.items.map((i) => Math.max(i.end ?? i.start, i.kind === 'wait' && i.ok === false && i.budgetMs ? i.start + i.budgetMs : 0))];
  const t1 = Math.max(t0 + 1, ...ends);
  const span = t1 - t0;
  const x = (ms: number) => LABEL + ((Math.min(Math.max(ms, t0), t1) - t0) / span) * (W - LABEL - 20);
  const body: string[] = [];
  let y = 56;
  const text = (tx: number, ty: number, s: string, attrs = '') => body.push(`<text x="${tx.toFixed(1)}" y="${ty}" ${attrs}>${esc(s)}</text>`);
  // A note right of a mark (at tx), or left of where the mark starts (lx) near the right edge, so it is never cut or covered.
  const note = (tx: number, ty: number, s: string, attrs = '', lx = tx) => (tx > W - 190 ? text(lx - 6, ty, s, `text-anchor="end" ${attrs}`) : text(tx, ty, s, attrs));

  for (const s of t.steps) {
    const failed = s.status === 'failed';
    const color = failed ? COLORS.failed : COLORS.passed;
    if (t.stepBudgetMs) {
      body.push(`<rect x="${x(s.start).toFixed(1)}" y="${y - 12}" width="${Math.max(1, x(s.start + t.stepBudgetMs) - x(s.start)).toFixed(1)}" height="14" fill="${COLORS.budget}"><title>step budget ${fmt(t.stepBudgetMs)}</title></rect>`);
    }
    body.push(`<rect x="${x(s.start).toFixed(1)}" y="${y - 11}" width="${Math.max(2, x(s.end) - x(s.start)).toFixed(1)}" height="12" rx="2" fill="${color}"><title>${esc(`${s.title}: ${s.status}, ${fmt(s.end - s.start)}`)}</title></rect>`);
    text(8, y, cut(s.title, 52), `font-weight="bold" fill="${failed ? COLORS.failed : '#222'}"`);
    note(x(s.end) + 4, y, `${fmt(s.end - s.start)}${failed ? ' FAILED' : ''}`, `fill="${color}"`, x(s.start));
    y += ROW;
    for (const i of t.items.filter((it) => it.step === s.title)) {
      y = drawItem(i, y);
    }
    if (failed && s.error) {
      text(20, y, `✗ ${cut(s.error, 150)}`, `fill="${COLORS.failed}"`);
      y += ROW;
    }
    y += 6;
  }

  function drawItem(i: TimelineItem, yy: number): number {
    const at = x(i.start);
    if (i.kind === 'http') {
      body.push(`<line x1="${at.toFixed(1)}" x2="${Math.max(at + 2, x(i.end ?? i.start)).toFixed(1)}" y1="${yy - 4}" y2="${yy - 4}" stroke="${COLORS.http}" stroke-width="6"><title>${esc(i.label)}</title></line>`);
      text(20, yy, `→ ${cut(i.label, 58)}`, `fill="${COLORS.http}"`);
      note(Math.max(at + 2, x(i.end ?? i.start)) + 4, yy, fmt((i.end ?? i.start) - i.start), `fill="${COLORS.http}"`, at);
    } else if (i.kind === 'wait') {
      const until = i.ok === false && i.budgetMs ? i.start + i.budgetMs : (i.end ?? i.start);
      if (i.budgetMs) body.push(`<rect x="${at.toFixed(1)}" y="${yy - 9}" width="${Math.max(1, x(i.start + i.budgetMs) - at).toFixed(1)}" height="10" fill="none" stroke="#9aa5b4" stroke-dasharray="3,2"><title>budget ${fmt(i.budgetMs)}</title></rect>`);
      const color = i.ok === false ? COLORS.missing : '#9aa5b4';
      body.push(`<rect x="${at.toFixed(1)}" y="${yy - 7}" width="${Math.max(1, x(until) - at).toFixed(1)}" height="6" fill="${color}" opacity="0.7"/>`);
      text(20, yy, `${i.ok === false ? '✗ never came: ' : '… waited for '}${cut(i.label, 52)}`, `fill="${i.ok === false ? COLORS.missing : '#666'}"`);
      note(Math.max(x(until), i.budgetMs ? x(i.start + i.budgetMs) : 0) + 4, yy, i.ok === false ? `budget ${fmt(i.budgetMs ?? 0)} ran out` : fmt(until - i.start), `fill="${color}"`, at);
    } else {
      const color = COLORS[i.kind];
      body.push(`<circle cx="${at.toFixed(1)}" cy="${yy - 4}" r="4" fill="${color}"><title>${esc(i.label)}</title></circle>`);
      text(20, yy, `${i.kind === 'event' ? '◆' : '●'} ${i.kind} ${cut(i.label, 56)}`, `fill="${color}"`);
      const before = t.steps.find((s) => s.title === i.step && i.start < s.start);
      const lag = i.lagMs !== undefined ? `+${fmt(i.lagMs)} after the request` : before ? 'seen before this step began' : '';
      if (lag) note(at + 8, yy, lag, `fill="${color}"`, at - 4);
    }
    return yy + ROW;
  }

  const H = y + 10;
  const axis: string[] = [];
  const tick = niceTick(span);
  for (let ms = 0; ms <= span; ms += tick) {
    const tx = x(t0 + ms);
    axis.push(`<line x1="${tx.toFixed(1)}" x2="${tx.toFixed(1)}" y1="34" y2="${H}" stroke="#eef0f3"/>`);
    axis.push(`<text x="${tx.toFixed(1)}" y="30" text-anchor="middle" fill="#666">${esc(fmt(ms))}</text>`);
  }
  const failed = t.steps.some((s) => s.status === 'failed');
  const title = `${t.flow} — ${t.test}${t.runId ? ` — run ${t.runId}` : ''}: ${failed ? 'FAILED' : 'passed'} in ${fmt(span)}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="8" y="16" font-size="13" font-weight="bold" fill="${failed ? COLORS.failed : '#222'}">${esc(cut(title, 160))}</text>`,
    ...axis,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Collects a test's timeline while it runs (the fixtures feed it; times are taken when things happen). */
export class TimelineRecorder {
  readonly steps: TimelineStep[] = [];
  readonly items: TimelineItem[] = [];
  private readonly open: string[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** The innermost step running now ('(setup)' outside any). */
  get current(): string {
    return this.open.at(-1) ?? '(setup)';
  }

  stepStarted(title: string): void {
    this.open.push(title);
    this.steps.push({ title, start: this.now(), end: this.now(), status: 'passed' });
  }

  stepEnded(title: string, error?: string): void {
    const s = [...this.steps].reverse().find((x) => x.title === title);
    if (s) Object.assign(s, { end: this.now(), status: error ? 'failed' : 'passed', ...(error ? { error } : {}) });
    // Whatever the failed step was still waiting for never came.
    if (error) for (const i of this.items) if (i.kind === 'wait' && i.step === title && i.ok === undefined) Object.assign(i, { ok: false });
    const at = this.open.lastIndexOf(title);
    if (at >= 0) this.open.splice(at, 1);
  }

  exchange(label: string, durationMs: number): void {
    const end = this.now();
    this.items.push({ kind: 'http', step: this.current, start: end - durationMs, end, label });
  }

  /** Something observed at `at` (an event's arrival, a row's first sight). */
  seen(kind: 'event' | 'row' | 'redis', label: string, at = this.now()): void {
    const step = this.current;
    const lag = lagAfterRequest(this.items, step, at);
    this.items.push({ kind, step, start: at, label, ...(lag !== undefined ? { lagMs: lag } : {}) });
  }

  /** A bounded wait: `done()` when satisfied, `missed()` when its budget ran out. */
  wait(label: string, budgetMs: number): { done(): void; missed(): void } {
    const item: TimelineItem = { kind: 'wait', step: this.current, start: this.now(), label, budgetMs };
    this.items.push(item);
    return {
      done: () => Object.assign(item, { ok: true, end: this.now() }),
      missed: () => Object.assign(item, { ok: false, end: this.now() }),
    };
  }

  timeline(meta: { flow: string; test: string; runId?: string; stepBudgetMs?: number }): Timeline {
    // Satisfied waits are shown by what they saw; only the unsatisfied ones are drawn.
    return { ...meta, steps: this.steps, items: this.items.filter((i) => i.kind !== 'wait' || i.ok !== true) };
  }
}
