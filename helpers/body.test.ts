// Unit tests of the capped body reader: exactly the cap passes, one byte more fails, a Content-Length over the cap is refused unread, an endless chunked body is cut off.
import { test, expect } from '@playwright/test';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { BodyOverCap, declaredLength, formatBytes, readCapped } from './body';

/** A stream of the given chunks that records whether it was destroyed and how many chunks were pulled. */
function chunks(parts: (string | Buffer)[]) {
  const state = { destroyed: false, pulled: 0 };
  const stream = {
    async *[Symbol.asyncIterator]() {
      for (const p of parts) {
        if (state.destroyed) return;
        state.pulled++;
        yield typeof p === 'string' ? Buffer.from(p) : p;
      }
    },
    destroy: () => void (state.destroyed = true),
  };
  return { stream, state };
}

test('a body of exactly the cap is read whole; one byte more is refused, naming how far reading got', async () => {
  const cap = 10;
  expect(await readCapped(chunks(['01234', '56789']).stream, undefined, cap)).toBe('0123456789');
  expect(await readCapped(chunks(['0123456789']).stream, '10', cap)).toBe('0123456789');
  const over = chunks(['01234', '56789', 'X', 'never pulled']);
  const err = await readCapped(over.stream, undefined, cap).catch((e) => e);
  expect(err).toBeInstanceOf(BodyOverCap);
  expect(err.over).toEqual({ capBytes: 10, bytes: 11, declared: false });
  expect(err.message).toBe('a body over the 10 bytes cap; reading stopped after 11 bytes');
  expect(over.state, 'reading stopped at the chunk past the cap, and the stream was destroyed').toEqual({ destroyed: true, pulled: 3 });
});

test('a Content-Length above the cap is refused before a byte is read', async () => {
  const s = chunks(['x'.repeat(100)]);
  const err = await readCapped(s.stream, '5242880', 1024 * 1024).catch((e) => e);
  expect(err).toBeInstanceOf(BodyOverCap);
  expect(err.over).toEqual({ capBytes: 1048576, bytes: 5242880, declared: true });
  expect(err.message).toBe('a body of 5 MiB (5242880 bytes) by its Content-Length, over the 1 MiB (1048576 bytes) cap; not read');
  expect(s.state).toEqual({ destroyed: true, pulled: 0 });
});

test('bytes are counted, not characters: multi-byte UTF-8 over the cap is refused, and kept intact under it', async () => {
  // 'é' is two bytes: five of them are ten bytes
  expect(await readCapped(chunks(['éé', 'éé', 'é']).stream, undefined, 10)).toBe('ééééé');
  // a character split across chunks is joined before decoding
  const e = Buffer.from('é');
  expect(await readCapped(chunks([e.subarray(0, 1), e.subarray(1)]).stream, undefined, 2)).toBe('é');
  await expect(readCapped(chunks(['ééééé', 'é']).stream, undefined, 10)).rejects.toThrow(BodyOverCap);
});

test('Content-Length is read as a plain byte count only', () => {
  expect(declaredLength('42')).toBe(42);
  expect(declaredLength(['7'])).toBe(7);
  expect(declaredLength(undefined)).toBeUndefined();
  expect(declaredLength('4e3')).toBeUndefined();
  expect(declaredLength('-1')).toBeUndefined();
  expect(formatBytes(1)).toBe('1 byte');
  expect(formatBytes(1536)).toBe('1.5 KiB (1536 bytes)');
});

/** A local HTTP server on a free port; `handler` answers every request. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

test('over real HTTP: an endless chunked body stops being read past the cap and its connection is closed', async () => {
  let written = 0;
  let closedAt = 0;
  const { url, server } = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    // writes for as long as the client reads: without the cap the read would never end
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) written += chunk.length;
    };
    res.on('drain', pump);
    res.on('close', () => (closedAt = Date.now()));
    pump();
  });
  try {
    const res = await request(url, { bodyTimeout: 5_000 });
    const started = Date.now();
    const err = await readCapped(res.body, res.headers['content-length'], 1024 * 1024).catch((e) => e);
    expect(err).toBeInstanceOf(BodyOverCap);
    expect(err.over.declared).toBe(false);
    expect(err.over.bytes).toBeGreaterThan(1024 * 1024);
    expect(err.over.bytes, 'stopped within one chunk of the cap').toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
    expect(Date.now() - started).toBeLessThan(5_000);
    // the server sees its client go away: nothing keeps pulling the body
    await expect.poll(() => closedAt, { timeout: 5_000, message: 'the server to see the connection closed' }).toBeGreaterThan(0);
    expect(written, 'the server wrote only what the socket buffers hold past the cap').toBeLessThan(64 * 1024 * 1024);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('over real HTTP: a declared 5 MiB body is refused from its headers, and a body of exactly the cap passes', async () => {
  const cap = 64 * 1024;
  let sent = 0;
  const { url, server } = await serve((req, res) => {
    const n = req.url === '/huge' ? 5 * 1024 * 1024 : cap;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(n) });
    res.end(Buffer.alloc(n, 0x62), () => (sent += n));
  });
  try {
    const ok = await request(url);
    expect((await readCapped(ok.body, ok.headers['content-length'], cap)).length).toBe(cap);
    const huge = await request(`${url}huge`);
    const err = await readCapped(huge.body, huge.headers['content-length'], cap).catch((e) => e);
    expect(err.over).toEqual({ capBytes: cap, bytes: 5 * 1024 * 1024, declared: true });
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
