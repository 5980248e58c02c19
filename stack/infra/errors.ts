// The typed error every part of the embedded stack throws when it cannot start: what failed, where, after how long, and the tail of its log.
import { existsSync, readFileSync } from 'node:fs';
import type { Component } from '../components/registry';

export type { Component } from '../components/registry';

export class StartupError extends Error {
  readonly component: Component;
  readonly elapsedMs: number;
  /** the last lines of the component's log ('' when it never wrote one) */
  readonly logTail: string;
  /** where the full log is (inside the run's temp dir, which is removed on stop) */
  readonly logFile?: string;
  /** the failure alone, without the component prefix and log tail */
  readonly reason: string;

  constructor(opts: { component: Component; reason: string; elapsedMs: number; logFile?: string; logTail?: string; cause?: unknown }) {
    const tail = opts.logTail ?? (opts.logFile ? tailOfFile(opts.logFile) : '');
    super(formatStartupMessage(opts.component, opts.reason, opts.elapsedMs, opts.logFile, tail), opts.cause ? { cause: opts.cause } : undefined);
    this.name = 'StartupError';
    this.component = opts.component;
    this.elapsedMs = opts.elapsedMs;
    this.logTail = tail;
    this.logFile = opts.logFile;
    this.reason = opts.reason;
  }
}

export function formatStartupMessage(component: string, reason: string, elapsedMs: number, logFile: string | undefined, logTail: string): string {
  const head = `StartupError: ${component} failed after ${(elapsedMs / 1000).toFixed(1)} s: ${reason}`;
  if (!logFile && !logTail) return head;
  const lines = [head];
  if (logFile) lines.push(`  log: ${logFile}`);
  if (logTail) lines.push(`  last lines of the ${component} log:`, ...logTail.split('\n').map((l) => `    | ${l}`));
  else if (logFile) lines.push(`  (the ${component} log is empty)`);
  return lines.join('\n');
}

/** The last n non-empty lines of a text; pure, so unit-tested. */
export function tailLines(text: string, n = 20): string {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  return lines.slice(-n).join('\n');
}

/** Reads only the end of the file: logs of a broker can be large and we want the last lines. */
export function tailOfFile(file: string, n = 20, maxBytes = 64 * 1024): string {
  try {
    if (!existsSync(file)) return '';
    const buf = readFileSync(file);
    return tailLines(buf.subarray(Math.max(0, buf.length - maxBytes)).toString('utf8'), n);
  } catch {
    return '';
  }
}

/** Best-effort text of an unknown thrown value, for error messages. */
export function errText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
