// What the stack's tests use to prove a stop left nothing behind: processes still running from a directory, ports still accepting.
import { readdirSync, readFileSync } from 'node:fs';
import { isPortOpen } from './infra/ports';

/** pid and command line of every live process whose command line mentions path (the run's temp dir appears in each infra process's arguments). */
export function stackProcessesUnder(path: string): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      continue; // exited while we looked
    }
    if (cmd.includes(path)) out.push({ pid: Number(entry), cmd: cmd.slice(0, 200) });
  }
  return out;
}

/** The subset of ports that still accept a TCP connection on 127.0.0.1. */
export async function openPorts(ports: number[]): Promise<number[]> {
  const open = await Promise.all(ports.map(async (p) => ((await isPortOpen(p, '127.0.0.1', 500)) ? p : undefined)));
  return open.filter((p): p is number => p !== undefined);
}

/** Ports named in the stack's env values (URLs and host:port lists). */
export function portsInEnv(env: Record<string, string>): number[] {
  const ports = new Set<number>();
  for (const v of Object.values(env)) for (const m of v.matchAll(/127\.0\.0\.1:(\d+)/g)) ports.add(Number(m[1]));
  return [...ports];
}
