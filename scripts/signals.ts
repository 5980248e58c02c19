// Ctrl-C and SIGTERM for scripts that hold children or a stack: stop them once, then exit 130 (SIGINT) or 143 (SIGTERM).
import type { ChildProcess } from 'node:child_process';
import { signalExit } from './exit-codes';

/** Installs the handlers; a second signal while stopping changes nothing (the stop is under way). */
export function stopOnSignal(what: string, stop: () => Promise<unknown> | unknown): void {
  let stopping = false;
  const on = (sig: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`flowgate: ${sig}: stopping ${what}\n`);
    Promise.resolve()
      .then(stop)
      .catch((e) => process.stderr.write(`flowgate: while stopping: ${e instanceof Error ? e.message : e}\n`))
      .finally(() => process.exit(signalExit(sig)));
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
}

/** Sends a running child SIGINT (Playwright then stops its workers and its global teardown runs) and waits for its exit. */
export function interruptChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()).kill('SIGINT'));
}
