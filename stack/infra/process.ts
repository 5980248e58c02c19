// Runs one infrastructure process of the stack: own process group, output to a log file in the run's temp dir, readiness polling with a deadline, and a stop that leaves nothing running.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { StartupError, errText, tailOfFile, type Component } from './errors';
import { forgetGroup, reapGroupOnDeath } from './reaper';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcessOptions {
  component: Component;
  command: string;
  args: string[];
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** run as this OS user (PostgreSQL refuses to run as root) */
  uid?: number;
  gid?: number;
  /** the signal that shuts the process down cleanly (PostgreSQL's fast shutdown is SIGINT) */
  stopSignal?: NodeJS.Signals;
  /** after this long the group gets SIGKILL */
  stopGraceMs?: number;
}

// Every live group, so that an abrupt exit of Node (an uncaught error, process.exit) still kills them.
const live = new Set<ManagedProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of live) p.killNow();
  });
}

export class ManagedProcess {
  readonly component: Component;
  readonly logFile: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly startedAt: number;
  /** resolves when the process has exited (never rejects) */
  readonly exited: Promise<ExitInfo>;
  exitInfo?: ExitInfo;
  /** set when the command could not be run at all (ENOENT, EACCES) */
  spawnError?: Error;
  private readonly stopSignal: NodeJS.Signals;
  private readonly stopGraceMs: number;
  private stopping?: Promise<void>;

  constructor(opts: ManagedProcessOptions) {
    this.component = opts.component;
    this.logFile = opts.logFile;
    this.stopSignal = opts.stopSignal ?? 'SIGTERM';
    this.stopGraceMs = opts.stopGraceMs ?? 10_000;
    this.startedAt = Date.now();
    const fd = openSync(opts.logFile, 'a');
    try {
      // detached: the process leads its own group, so stop() reaches every child it forks (PostgreSQL's backends)
      this.child = spawn(opts.command, opts.args, {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        stdio: ['ignore', fd, fd],
        detached: true,
        uid: opts.uid,
        gid: opts.gid,
      });
    } finally {
      closeSync(fd);
    }
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.once('error', (e) => {
        this.spawnError = e;
        this.exitInfo = { code: -1, signal: null };
        resolve(this.exitInfo);
      });
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    this.pid = this.child.pid ?? -1;
    void this.exited.then(() => {
      live.delete(this);
      forgetGroup(this.pid);
    });
    // a watchdog kills the group even if this Node process is SIGKILLed and no exit hook runs
    reapGroupOnDeath(this.pid);
    // Node keeps no reference: the stack's owner decides when to stop, not the event loop
    this.child.unref();
    live.add(this);
    installExitHook();
  }

  get running(): boolean {
    return !this.exitInfo;
  }

  elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  tail(n = 20): string {
    return tailOfFile(this.logFile, n);
  }

  describeExit(): string {
    if (this.spawnError) return `could not run ${this.child.spawnfile}: ${this.spawnError.message}`;
    const e = this.exitInfo;
    if (!e) return 'still running';
    return e.signal ? `exited on signal ${e.signal}` : `exited with code ${e.code}`;
  }

  startupError(reason: string, cause?: unknown): StartupError {
    return new StartupError({ component: this.component, reason, elapsedMs: this.elapsedMs(), logFile: this.logFile, cause });
  }

  /** SIGKILL the whole group synchronously; for process 'exit' only. */
  killNow(): void {
    // only while running: the pid of an exited group may already belong to someone else
    if (this.running) signalGroup(this.pid, 'SIGKILL');
  }

  /** An outage, not a shutdown: SIGKILL the group now; resolves when it is gone. Idempotent with stop(). */
  crash(): Promise<void> {
    return (this.stopping ??= (async () => {
      if (this.running) {
        signalGroup(this.pid, 'SIGKILL');
        await this.exited;
      }
      await waitGroupGone(this.pid, 5_000);
    })());
  }

  /** Stops the group: the clean signal, then SIGKILL after the grace period; resolves when the leader and its group are gone. Idempotent. */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      if (this.running) {
        signalGroup(this.pid, this.stopSignal);
        if (!(await exitsWithin(this, this.stopGraceMs))) signalGroup(this.pid, 'SIGKILL');
        await this.exited;
      }
      // the leader is gone; anything left in its group (a backend mid-exit) is killed and awaited
      await waitGroupGone(this.pid, 5_000);
    })());
  }
}

export function startProcess(opts: ManagedProcessOptions): ManagedProcess {
  return new ManagedProcess(opts);
}

function signalGroup(pid: number, sig: NodeJS.Signals): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(-pid, sig);
    return true;
  } catch {
    return false; // ESRCH: the group is already gone
  }
}

export function groupAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e: any) {
    return e?.code === 'EPERM';
  }
}

export function pidAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e?.code === 'EPERM';
  }
}

async function waitGroupGone(pid: number, timeoutMs: number): Promise<void> {
  const start = Date.now();
  const deadline = start + timeoutMs;
  let wait = 10;
  let killed = false;
  while (groupAlive(pid)) {
    if (!killed && Date.now() - start > 300) {
      // the leader has already shut down cleanly; what outlives it by this long is an orphan, not a clean-up in progress
      signalGroup(pid, 'SIGKILL');
      killed = true;
    }
    if (Date.now() > deadline) throw new Error(`process group ${pid} still has members ${timeoutMs} ms after its leader exited`);
    await delay(wait);
    wait = Math.min(wait * 2, 100);
  }
}

/** True when the process exits within ms; the timer is cleared either way, so it never holds the event loop open. */
async function exitsWithin(p: ManagedProcess, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p.exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface WaitOptions<T> {
  /** what we wait for, in words: it is the error message when the deadline passes */
  what: string;
  component: Component;
  timeoutMs: number;
  /** returns a value when the condition holds, undefined (or throws) while it does not */
  check: () => Promise<T | undefined | false>;
  /** fail at once, with the log tail, when this process exits while we wait */
  process?: ManagedProcess;
  logFile?: string;
  /** when the component started, for the elapsed time in the error (defaults to now) */
  startedAt?: number;
}

/**
 * Polls a real condition with a short exponential backoff (10 ms → 250 ms) until it holds or the
 * deadline passes; never a fixed sleep. A process that dies meanwhile ends the wait immediately.
 */
export async function waitUntil<T>(o: WaitOptions<T>): Promise<T> {
  const startedAt = o.startedAt ?? o.process?.startedAt ?? Date.now();
  const deadline = Date.now() + o.timeoutMs;
  const logFile = o.logFile ?? o.process?.logFile;
  let wait = 10;
  let lastError = '';
  for (;;) {
    if (o.process && !o.process.running) {
      throw new StartupError({ component: o.component, reason: `${o.process.describeExit()} while waiting for ${o.what}`, elapsedMs: Date.now() - startedAt, logFile });
    }
    try {
      // a check that hangs (a port that accepts but never answers) must not outlive the deadline or the process
      const v = await raceCheck(o.check(), Math.max(50, deadline - Date.now()), o.process);
      if (v !== undefined && v !== false) return v as T;
      lastError = '';
    } catch (e) {
      lastError = errText(e);
    }
    if (Date.now() >= deadline) {
      throw new StartupError({
        component: o.component,
        reason: `timed out after ${o.timeoutMs} ms waiting for ${o.what}${lastError ? ` (last error: ${lastError})` : ''}`,
        elapsedMs: Date.now() - startedAt,
        logFile,
      });
    }
    const sleep = delay(Math.min(wait, Math.max(0, deadline - Date.now())));
    await (o.process ? Promise.race([sleep, o.process.exited]) : sleep);
    wait = Math.min(wait * 2, 250);
  }
}

async function raceCheck<T>(check: Promise<T>, ms: number, proc?: ManagedProcess): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  check.catch(() => {}); // it may settle after we stopped listening
  try {
    return await Promise.race([
      check,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the check did not answer within ${ms} ms`)), ms))),
      ...(proc ? [proc.exited.then(() => undefined)] : []),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a short-lived tool (initdb, Kafka's StorageTool) to completion; a non-zero exit is a StartupError with the tool's output. */
export async function runToCompletion(opts: ManagedProcessOptions & { timeoutMs: number; what: string }, startedAt = Date.now()): Promise<void> {
  const p = startProcess(opts);
  const finished = await exitsWithin(p, opts.timeoutMs);
  if (!finished) {
    await p.stop();
    throw new StartupError({ component: opts.component, reason: `${opts.what} did not finish within ${opts.timeoutMs} ms`, elapsedMs: Date.now() - startedAt, logFile: opts.logFile });
  }
  await p.stop(); // reaps anything the tool left in its group
  if (p.exitInfo?.code !== 0) {
    throw new StartupError({ component: opts.component, reason: `${opts.what} failed: ${p.describeExit()}`, elapsedMs: Date.now() - startedAt, logFile: opts.logFile });
  }
}
