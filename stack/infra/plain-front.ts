// A plaintext TCP port in front of a TLS one (a TLS-terminating proxy, as an unlisted port opened for "internal" clients): the transport faults' hidden holes.
import { createServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface PlainFront {
  port: number;
  close(): Promise<void>;
}

/**
 * Listens in plaintext on 127.0.0.1:`port` and relays each connection over TLS (trusting `ca`) to 127.0.0.1:`target`.
 * What the TLS side speaks (HTTP, Kafka, RESP) is then spoken in plaintext on `port`, and nothing in the server's own
 * configuration or metadata shows it.
 */
export function openPlainFront(port: number, target: number, ca: string): Promise<PlainFront> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    const upstream = tlsConnect({ host: '127.0.0.1', port: target, ca, servername: 'localhost', checkServerIdentity: () => undefined });
    sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', () => (sockets.delete(client), end()));
    upstream.on('error', end).on('close', () => (sockets.delete(upstream), end()));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', reject);
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
