// What the stack's tests use to prove a stop left nothing behind: processes still running from a directory, ports still accepting.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { isPortOpen } from './infra/ports';

/**
 * pid and command line of every live process whose command line or working directory is under path. Each infra
 * process runs in its own dir inside the run's temp dir; redis-server rewrites its command line, so the cwd is what finds it.
 */
export function stackProcessesUnder(path: string): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmd: string;
    let cwd = '';
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      continue; // exited while we looked
    }
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      // another user's process we may not inspect, or gone
    }
    if (cmd.includes(path) || cwd.startsWith(path)) out.push({ pid: Number(entry), cmd: cmd.slice(0, 200) });
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
