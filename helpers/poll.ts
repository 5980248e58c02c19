// How often a bounded wait on state (a DB row, a Redis key, an API's answer) asks again.
//
// Playwright's expect.poll defaults to 100, 250, 500 ms and then once a second: a row that lands 10 ms after the first
// look is seen 100 ms late, and one that lands after 0.9 s is seen up to a second late, on every wait of every step.
// The gate waits on dozens of such states, so the default alone added seconds to a run. These intervals start tight
// and settle at four looks a second, which a shared staging database or API takes easily from one test.
export const POLL_INTERVALS: readonly number[] = [25, 50, 100, 150, 250];

/** expect.poll options with the gate's intervals: `{ timeout, message }` → `{ timeout, message, intervals }`. */
export function polling<T extends { timeout: number; message?: string }>(o: T): T & { intervals: number[] } {
  return { ...o, intervals: [...POLL_INTERVALS] };
}
