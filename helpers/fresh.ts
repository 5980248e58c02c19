// Which database rows a step may count: a row stamped (created_at / occurred_at) before the step began is not the step's.

/** the columns a probe's rows are stamped with, first found wins */
export const ROW_TIME_COLUMNS = ['created_at', 'occurred_at'] as const;

/** How far the database's clock may run behind ours before a row it stamped is taken for an old one. */
export const DB_CLOCK_TOLERANCE_MS = 1_000;

/** A row's stamp in ms epoch, or undefined when it has none (such a row is never taken for an old one). */
export function rowTime(row: Record<string, unknown>): number | undefined {
  for (const col of ROW_TIME_COLUMNS) {
    const v = row[col];
    if (v === undefined || v === null) continue;
    const t = v instanceof Date ? v.getTime() : Date.parse(String(v));
    if (Number.isFinite(t)) return t;
  }
  return undefined;
}

/** The rows not stamped before `since` (ms epoch, less the clock tolerance). */
export function freshRows<R extends Record<string, unknown>>(rows: R[], since: number): R[] {
  return rows.filter((r) => {
    const t = rowTime(r);
    return t === undefined || t >= since - DB_CLOCK_TOLERANCE_MS;
  });
}

/**
 * `accept` must hold on the fresh rows AND on all rows: a presence check ("an audit row with …") then counts only rows
 * made since the step began, and an absence check ("no row any more") cannot pass by leaving the old rows out.
 */
export function acceptsSince<R extends Record<string, unknown>>(rows: R[], since: number, accept: (rows: R[]) => boolean): boolean {
  return accept(freshRows(rows, since)) && accept(rows);
}
