// The progress of the embedded stack's start on the console: on a terminal one line rewritten in place (what is starting, how long so far), elsewhere one line per component ready.
import { type Paint, plain } from './colour';

/** What startStack reports as it goes (its onProgress option). */
export interface StackProgressEvent {
  component: string;
  phase: 'starting' | 'ready';
  /** since the stack's start began */
  elapsedMs: number;
}

export interface ProgressOut {
  write(text: string): unknown;
  isTTY?: boolean;
}

interface State {
  starting: string[];
  ready: number;
  elapsedMs: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The terminal line for a state: what is starting now, how many are ready, how long so far. */
export function progressLine(s: State, nowMs: number): string {
  const what = s.starting.length ? `starting ${s.starting.join(', ')}` : 'starting';
  return `stack: ${what} (${s.ready} ready, ${seconds(Math.max(nowMs, s.elapsedMs))})`;
}

/**
 * A printer for startStack's progress. On a terminal it rewrites one line (and refreshes the time every second);
 * elsewhere (CI logs, pipes) it prints a line when a component is ready. done() clears the terminal line.
 */
export function stackProgress(out: ProgressOut, paint: Paint = plain, clock: () => number = Date.now) {
  const state: State = { starting: [], ready: 0, elapsedMs: 0 };
  const began = clock();
  let timer: NodeJS.Timeout | undefined;
  const draw = () => out.write(`\r\x1b[2K${paint('dim', progressLine(state, clock() - began))}`);
  return {
    onProgress(e: StackProgressEvent): void {
      state.elapsedMs = e.elapsedMs;
      if (e.phase === 'starting') state.starting = [...state.starting.filter((c) => c !== e.component), e.component];
      else {
        state.starting = state.starting.filter((c) => c !== e.component);
        state.ready++;
        if (!out.isTTY) out.write(`stack: ${e.component} ready (${seconds(e.elapsedMs)})\n`);
      }
      if (!out.isTTY) return;
      draw();
      // the time keeps moving while a slow component (Kafka) starts; unref: it never holds the process open
      timer ??= setInterval(draw, 1000).unref();
    },
    done(): void {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (out.isTTY && state.ready + state.starting.length > 0) out.write('\r\x1b[2K');
    },
  };
}

/** Runs a stack start with the printer wired in: `start` receives the options to spread into startStack's. */
export async function withStackProgress<T>(out: ProgressOut, paint: Paint, start: (progress: { onProgress: (e: StackProgressEvent) => void }) => Promise<T>): Promise<T> {
  const printer = stackProgress(out, paint);
  try {
    return await start({ onProgress: (e) => printer.onProgress(e) });
  } finally {
    printer.done();
  }
}
