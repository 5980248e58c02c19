// Allure's history file per target, holding one point per run id: the path for a target, and forgetting a run's earlier point before a rebuild.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';

const MAX_SLUG = 60;

/** A target's name as a file-name part: `staging.example.com` stays, anything else outside [a-z0-9._-] becomes `-`. */
export function targetSlug(name: string | undefined): string {
  const slug = (name ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, MAX_SLUG);
  return slug || 'unknown-target';
}

/** `…/allure-history.jsonl` for target `embedded` → `…/allure-history.embedded.jsonl`: embedded and each staging target trend apart. */
export function historyFileFor(base: string, target: string | undefined): string {
  const ext = extname(base) || '.jsonl';
  const stem = extname(base) ? base.slice(0, -ext.length) : base;
  return `${stem}.${targetSlug(target)}${ext}`;
}

/** The run id a history point belongs to: the report's name ends with `— run <id>` (reporters/allure-config.ts reportName). */
export function pointRunId(line: string): string | undefined {
  try {
    const name = JSON.parse(line)?.name;
    const m = typeof name === 'string' ? / — run (\S+)$/.exec(name) : null;
    return m?.[1];
  } catch {
    return undefined;
  }
}

/** The history's lines without the points of `runId` (a line that is not a point of that run is kept as it is). */
export function withoutRun(text: string, runId: string): { text: string; removed: number } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const kept = lines.filter((l) => pointRunId(l) !== runId);
  return { text: kept.length ? `${kept.join('\n')}\n` : '', removed: lines.length - kept.length };
}

/**
 * Takes a run's earlier point out of the history before the report is built again, so Allure's own append leaves
 * exactly one point per run however often `npm run report` runs. Returns how many points were taken out.
 */
export function forgetRun(file: string, runId: string | undefined): number {
  if (!runId || !existsSync(file)) return 0;
  const { text, removed } = withoutRun(readFileSync(file, 'utf8'), runId);
  if (removed) writeFileSync(file, text);
  return removed;
}
