// The embedded gateway against two real Fastify upstreams: Kong-style routing, correlation id, byte-exact bodies, Kong's error answers.
import { test, expect } from '@playwright/test';
import Fastify, { type FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { startGateway, type Gateway } from './gateway';
import { KONG_FILE } from './routes';

// What an upstream saw, so a test can compare it with what the client sent.
interface Seen {
  upstream: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  bodyBase64: string | null;
}

async function echoUpstream(name: string): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false });
  // the upstream keeps raw bytes too, so the comparison is of what crossed the wire
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
  app.all('/*', async (req, reply) => {
    if (req.url.startsWith('/api/v1/things/set-request-id')) reply.header('x-request-id', 'upstream-made-this-up');
    const seen: Seen = {
      upstream: name,
      method: req.method,
      url: req.url,
      headers: req.headers,
      bodyBase64: Buffer.isBuffer(req.body) ? req.body.toString('base64') : null,
    };
    return seen;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
}

const KONG_YML = `
_format_version: "3.0"
services:
  - name: alpha
    url: http://alpha:8080
    routes:
      - { name: alpha-api, paths: [/api/v1/things], methods: [GET, POST], strip_path: false }
  - name: beta
    url: http://beta:8080
    routes:
      - { name: beta-special, paths: [/api/v1/things/special], methods: [GET, POST, PUT], strip_path: false }
      - { name: beta-delete, paths: [/api/v1/things], methods: [DELETE], strip_path: false }
      - { name: beta-stripped, paths: [/beta], methods: [GET], strip_path: true }
  - name: down
    url: http://down:8080
    routes:
      - { name: down-api, paths: [/api/v1/down], methods: [GET, POST], strip_path: false }
  - name: unmapped
    url: http://unmapped:8080
    routes:
      - { name: unmapped-api, paths: [/api/v1/unmapped], methods: [GET], strip_path: false }
plugins:
  - name: correlation-id
    config: { header_name: X-Request-ID, generator: uuid, echo_downstream: true }
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let alpha: { app: FastifyInstance; url: string };
let beta: { app: FastifyInstance; url: string };
let gw: Gateway;
let dir: string;
let downUrl: string;

test.beforeAll(async () => {
  alpha = await echoUpstream('alpha');
  beta = await echoUpstream('beta');
  // a port that was just listening and is now closed: connection refused, as when a service container is down
  const gone = Fastify();
  await gone.listen({ port: 0, host: '127.0.0.1' });
  downUrl = `http://127.0.0.1:${(gone.server.address() as { port: number }).port}`;
  await gone.close();
  dir = mkdtempSync(join(tmpdir(), 'flowgate-gw-'));
  writeFileSync(join(dir, 'kong.yml'), KONG_YML);
  gw = await startGateway({ kongFile: join(dir, 'kong.yml'), upstreams: { alpha: alpha.url, beta: beta.url, down: downUrl } });
});

test.afterAll(async () => {
  await gw?.close();
  await alpha?.app.close();
  await beta?.app.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, init: { body?: BodyInit; headers?: Record<string, string> } = {}) {
  const res = await fetch(gw.url + path, { method, ...init });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

test('routes by longest prefix and by method, full path and query kept', async () => {
  const a = await call('GET', '/api/v1/things/42?x=1&y=%20z');
  expect(a.status).toBe(200);
  expect(a.json.upstream).toBe('alpha');
  expect(a.json.url).toBe('/api/v1/things/42?x=1&y=%20z');

  const b = await call('GET', '/api/v1/things/special/7');
  expect(b.json.upstream).toBe('beta');
  expect(b.json.url).toBe('/api/v1/things/special/7');

  const d = await call('DELETE', '/api/v1/things/42');
  expect(d.json.upstream).toBe('beta');
  expect(d.json.method).toBe('DELETE');

  // PUT is only allowed on the longer prefix
  expect((await call('PUT', '/api/v1/things/special')).json.upstream).toBe('beta');
  const put = await call('PUT', '/api/v1/things/42');
  expect(put.status).toBe(404);

  // strip_path: true hands the service the rest of the path only
  const s = await call('GET', '/beta/inner?q=1');
  expect(s.json.upstream).toBe('beta');
  expect(s.json.url).toBe('/inner?q=1');

  // dot segments are resolved before routing, so they cannot smuggle a request to another service
  const dots = await call('GET', '/api/v1/things/special/../9');
  expect(dots.json.upstream).toBe('alpha');
  expect(dots.json.url).toBe('/api/v1/things/9');
});

test('adds an X-Request-ID when there is none, and the upstream and the client see the same one', async () => {
  const r = await call('GET', '/api/v1/things/1');
  const id = r.headers.get('x-request-id');
  expect(id).toMatch(UUID);
  expect(r.json.headers['x-request-id']).toBe(id);
  // each request gets its own
  const again = await call('GET', '/api/v1/things/1');
  expect(again.headers.get('x-request-id')).toMatch(UUID);
  expect(again.headers.get('x-request-id')).not.toBe(id);
});

test("keeps the caller's X-Request-ID and echoes it, even over the upstream's", async () => {
  const r = await call('GET', '/api/v1/things/2', { headers: { 'X-Request-ID': 'trace-abc-123' } });
  expect(r.json.headers['x-request-id']).toBe('trace-abc-123');
  expect(r.headers.get('x-request-id')).toBe('trace-abc-123');
  const over = await call('GET', '/api/v1/things/set-request-id', { headers: { 'x-request-id': 'mine' } });
  expect(over.headers.get('x-request-id')).toBe('mine');
});

test('passes request bodies byte for byte, whatever the content type', async () => {
  // JSON with whitespace, key order and escapes a re-serialization would change
  const json = '{ "b":1,\n  "a" : "\\u00e9t\u00e9",  "n": 1.50 }\n';
  const j = await call('POST', '/api/v1/things', { body: json, headers: { 'content-type': 'application/json; charset=utf-8' } });
  expect(Buffer.from(j.json.bodyBase64, 'base64').toString('utf8')).toBe(json);
  expect(j.json.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(j.json.headers['content-length']).toBe(String(Buffer.byteLength(json)));

  const bytes = randomBytes(70_000);
  const bin = await call('POST', '/api/v1/things/special', { body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  expect(Buffer.from(bin.json.bodyBase64, 'base64').equals(bytes)).toBe(true);

  const form = 'a=1&b=%C3%A9&a=2';
  const f = await call('POST', '/api/v1/things', { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(Buffer.from(f.json.bodyBase64, 'base64').toString()).toBe(form);
});

test('passes a chunked body with no content type unchanged, and adds no content type', async () => {
  const chunks = [Buffer.from('first,'), randomBytes(1000), Buffer.from(',last')];
  const seen = await new Promise<Seen>((resolve, reject) => {
    const req = httpRequest(gw.url + '/api/v1/things', { method: 'POST' }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(parts).toString())));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
  expect(Buffer.from(seen.bodyBase64!, 'base64').equals(Buffer.concat(chunks))).toBe(true);
  expect(seen.headers['content-type']).toBeUndefined();
  expect(seen.headers['transfer-encoding']).toBeUndefined();
});

test('a Stripe-signed webhook still verifies after crossing the gateway (repository kong.yml)', async () => {
  const secret = 'whsec_' + randomBytes(16).toString('hex');
  const stripe = new Stripe('sk_test_unused');
  // a real upstream that verifies the signature the way payment-processing-service must: over the raw bytes
  const payments = Fastify({ logger: false });
  payments.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
  payments.post('/api/v1/webhooks/stripe', async (req, reply) => {
    try {
      const ev = stripe.webhooks.constructEvent(req.body as Buffer, String(req.headers['stripe-signature']), secret);
      return { received: true, id: ev.id };
    } catch (e) {
      return reply.code(400).send({ error: 'bad_signature', message: (e as Error).message });
    }
  });
  await payments.listen({ port: 0, host: '127.0.0.1' });
  const real = await startGateway({
    kongFile: KONG_FILE,
    upstreams: { 'payment-processing-service': `http://127.0.0.1:${(payments.server.address() as { port: number }).port}` },
  });
  try {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'checkout.session.completed', data: { object: { id: 'cs_1' } } }, null, 2);
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret });
    const ok = await fetch(real.url + '/api/v1/webhooks/stripe', { method: 'POST', body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': header } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ received: true, id: 'evt_1' });
    // the same check fails for a body that differs by one space, so the 200 above really depended on the bytes
    const bad = await fetch(real.url + '/api/v1/webhooks/stripe', { method: 'POST', body: payload + ' ', headers: { 'content-type': 'application/json', 'stripe-signature': header } });
    expect(bad.status).toBe(400);
  } finally {
    await real.close();
    await payments.close();
  }
});

test("no matching route: Kong's 404 text, and the request reaches no upstream", async () => {
  for (const [method, path] of [
    ['GET', '/api/v2/things'],
    ['GET', '/'],
    ['PATCH', '/api/v1/things/1'],
  ]) {
    const r = await call(method, path);
    expect(r.status, `${method} ${path}`).toBe(404);
    expect(r.json).toEqual({ message: 'no Route matched with those values' });
    expect(r.json.upstream).toBeUndefined();
  }
});

test('upstream down: 502 with Kong text; a service with no upstream at all: 503', async () => {
  const down = await call('POST', '/api/v1/down/x', { body: '{}', headers: { 'content-type': 'application/json' } });
  expect(down.status).toBe(502);
  expect(down.json).toEqual({ message: 'An invalid response was received from the upstream server' });
  // the correlation id was assigned before proxying, so even a failed request can be traced
  expect(down.headers.get('x-request-id')).toMatch(UUID);

  const unmapped = await call('GET', '/api/v1/unmapped');
  expect(unmapped.status).toBe(503);
  expect(unmapped.json).toEqual({ message: 'name resolution failed' });
});

test('close() frees the port', async () => {
  const g = await startGateway({ kongFile: join(dir, 'kong.yml'), upstreams: { alpha: alpha.url } });
  expect((await fetch(g.url + '/api/v1/things/1')).status).toBe(200);
  await g.close();
  await expect(fetch(g.url + '/api/v1/things/1')).rejects.toThrow();
  // the same port can be bound again right away
  const again = await startGateway({ kongFile: join(dir, 'kong.yml'), upstreams: {}, port: g.port });
  expect(again.port).toBe(g.port);
  await again.close();
});
