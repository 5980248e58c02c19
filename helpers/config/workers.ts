// How many Playwright workers a run gets when FLOWGATE_WORKERS does not say: one per core the target leaves free.
import { rawValue } from './read';
import type { Env } from './parsers';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?)$/i;

/**
 * Whether the target runs on this machine, competing with the workers for its cores: the embedded stack (no KONG_URL:
 * global set-up starts it here) or a gateway on a loopback address (npm run bench's and soak's stack, a local compose).
 */
export function targetOnThisMachine(env: Env): boolean {
  const kong = rawValue(env, 'KONG_URL');
  if (!kong) return true;
  try {
    return LOOPBACK.test(new URL(kong).hostname);
  } catch {
    // preflight names a malformed KONG_URL; the worker count does not need to
    return false;
  }
}

/**
 * A target on this machine leaves one core to its services (on 2 cores one worker: a second cost 3–5 CPU-s a run and
 * no wall time, and its contention with the stack raised the observation lag p95 from ~31 to ~60 ms; npm run bench,
 * issue 31). A remote target waits on the network, not on these cores: a worker per core, 2 at least.
 */
export function defaultWorkers(cores: number, onThisMachine: boolean): number {
  return onThisMachine ? Math.max(1, cores - 1) : Math.max(2, cores);
}
