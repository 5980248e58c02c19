// A watchdog process that outlives the Node process running the stack: if that process dies without stopping the stack (SIGKILL, OOM, tsx's signal relay killing it), the watchdog kills the stack's process groups and removes its temp dirs.
import { spawn, type ChildProcess } from 'node:child_process';

// Runs in its own session (detached), so a Ctrl-C or a group kill aimed at its parent does not reach it.
// stdin is a pipe from the parent: the kernel closes it when the parent dies, however it dies.
// Protocol, one line each: +g<pgid> / -g<pgid> (watch / forget a process group), +d<dir> / -d<dir>.
const REAPER_SOURCE = `
const fs = require('fs');
const groups = new Set(), dirs = new Set();
let buf = '';
process.on('SIGINT', () => {}); process.on('SIGTERM', () => {}); process.on('SIGHUP', () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const l = buf.slice(0, i); buf = buf.slice(i + 1);
    const v = l.slice(2);
    if (l.startsWith('+g')) groups.add(Number(v)); else if (l.startsWith('-g')) groups.delete(Number(v));
    else if (l.startsWith('+d')) dirs.add(v); else if (l.startsWith('-d')) dirs.delete(v);
  }
});
const alive = (g) => { try { process.kill(-g, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
process.stdin.on('end', () => {
  for (const g of groups) { try { process.kill(-g, 'SIGKILL'); } catch {} }
  const deadline = Date.now() + 10000;
  const finish = () => {
    if ([...groups].some(alive) && Date.now() < deadline) return setTimeout(finish, 50);
    for (const d of dirs) { try { fs.rmSync(d, { recursive: true, force: true, maxRetries: 5 }); } catch {} }
    process.exit(0);
  };
  finish();
});
`;

let reaper: ChildProcess | undefined;
// what the watchdog currently guards; when nothing is left it is let go, so an idle Node process carries no extra process
const watched = new Set<string>();

function send(line: string): void {
  const key = line.slice(1);
  if (line.startsWith('+')) watched.add(key);
  else {
    watched.delete(key);
    if (!reaper) return;
    if (watched.size === 0) {
      // nothing to guard: closing stdin makes it exit with nothing to kill
      reaper.stdin!.end(`${line}\n`);
      reaper = undefined;
      return;
    }
  }
  if (!reaper) {
    reaper = spawn(process.execPath, ['-e', REAPER_SOURCE], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    reaper.on('error', () => {
      reaper = undefined; // no watchdog (cannot happen short of a broken node binary); the exit hooks still apply
    });
    // the watchdog must never keep the stack's owner alive
    reaper.unref();
    (reaper.stdin as unknown as { unref?: () => void }).unref?.();
    reaper.stdin!.on('error', () => {});
  }
  reaper.stdin!.write(`${line}\n`);
}

/** Kill this process group should we die without stopping it. */
export function reapGroupOnDeath(pgid: number): void {
  if (pgid > 0) send(`+g${pgid}`);
}

/** The group exited on its own or was stopped: forget it (its pid may be reused). */
export function forgetGroup(pgid: number): void {
  if (pgid > 0) send(`-g${pgid}`);
}

/** Remove this dir should we die without stopping the stack. */
export function reapDirOnDeath(dir: string): void {
  send(`+d${dir}`);
}

export function forgetDir(dir: string): void {
  send(`-d${dir}`);
}

/** The watchdog's pid, for tests. */
export function reaperPid(): number | undefined {
  return reaper?.pid;
}
