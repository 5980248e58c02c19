// Free loopback ports for the stack's processes (the kernel picks them via listen(0)) and a probe that tells whether one accepts connections.
import { createServer, connect } from 'node:net';
import { readFileSync } from 'node:fs';

// Ports handed out by this process: between our close() and the child's bind another concurrent
// freePort() call could get the same number from the kernel, so we never hand one out twice.
const handedOut = new Set<number>();

export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.unref();
      srv.once('error', reject);
      srv.listen({ port: 0, host, exclusive: true }, () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr ? addr.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (port && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`freePort: the kernel kept returning ports already handed out on ${host}`);
}

/**
 * A free loopback port below the kernel's ephemeral range (ip_local_port_range), for a port the stack reserves but
 * leaves closed (the conventional ports' faults): listen(0) anywhere on the machine, another worker's stack included,
 * only ever gets ports inside that range, so a reserved number is never taken by some other service meanwhile.
 */
export async function freePortBelowEphemeral(host = '127.0.0.1'): Promise<number> {
  let low = 32768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    /* not Linux: the usual default */
  }
  const from = 10_000;
  if (low - from < 1000) return freePort(host);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = from + Math.floor(Math.random() * (low - from));
    if (handedOut.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.unref();
      srv.once('error', () => resolve(false));
      srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
    });
    if (free) {
      handedOut.add(port);
      return port;
    }
  }
  return freePort(host);
}

/** True when something accepts a TCP connection on host:port within timeoutMs. */
export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host });
    const done = (open: boolean) => {
      sock.removeAllListeners();
      sock.destroy();
      resolve(open);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}
