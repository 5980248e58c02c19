// The embedded stack's gateway: a Fastify proxy that routes by the same Kong declarative file a real Kong loads (stack/gateway/kong.yml).
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import replyFrom from '@fastify/reply-from';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { KongRouter, rebaseUpstreamUrl, normalizePath } from './routes';

export interface GatewayOptions {
  /** the Kong declarative file (kong.yml) to route by */
  kongFile: string;
  /** kong service name → base URL of the process serving it, e.g. http://127.0.0.1:41234 */
  upstreams: Record<string, string>;
  /** 0 or absent: a free port */
  port?: number;
  host?: string;
  /** routes a fault adds to kong.yml at run time: a path prefix routed to a service (P0-05-email-exposed) */
  faultRoutes?: () => { prefix: string; service: string }[];
  /** HTTPS with these PEM key/certificate (the stack's default), plus a plain-HTTP port that only redirects; absent: plain HTTP */
  tls?: { key: string; cert: string };
}

export interface GatewayCertificate {
  key: string;
  cert: string;
}

export interface Gateway {
  url: string;
  port: number;
  /** the redirect-only plain-HTTP port (TLS mode) */
  plainPort?: number;
  /** replaces the certificate new TLS handshakes get (the wrong-host and expired-certificate faults) */
  useCertificate(c: GatewayCertificate): void;
  /** the fault tls-gateway-plain-http-content: the plain port serves the gateway's routes instead of redirecting */
  setPlainServesContent(on: boolean): void;
  close(): Promise<void>;
}

/** The plain port's whole answer: a permanent redirect to the same path over https, no body; pure, so unit-tested. */
export function httpsRedirect(hostHeader: string | undefined, url: string | undefined, httpsPort: number): { status: 308; location: string } {
  const host = (hostHeader ?? '127.0.0.1').replace(/:\d+$/, '') || '127.0.0.1';
  return { status: 308, location: `https://${host}:${httpsPort}${url && url.startsWith('/') ? url : '/'}` };
}

// Kong's own texts, so a harness that reads them sees the same thing on the embedded stack and on staging.
const NO_ROUTE = { message: 'no Route matched with those values' };
const BAD_UPSTREAM = { message: 'An invalid response was received from the upstream server' };
const UPSTREAM_TIMEOUT = { message: 'The upstream server is timing out' };
const NAME_RESOLUTION = { message: 'name resolution failed' };
const BAD_REQUEST = { message: 'Bad request' };

// Kong's proxy_read_timeout default
const UPSTREAM_TIMEOUT_MS = 60_000;
// Kong (nginx client_max_body_size 0) does not cap bodies; a generous cap keeps a runaway client from exhausting memory.
const BODY_LIMIT = 64 * 1024 * 1024;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

function errorCode(err: any): string | undefined {
  // reply-from wraps undici's error; the socket-level code sits on the cause chain
  for (let e = err; e; e = e.cause) if (typeof e.code === 'string' && /^(E[A-Z]+|UND_ERR_)/.test(e.code)) return e.code;
  return undefined;
}

type Correlation = ReturnType<KongRouter['correlationId']>;

/** The request headers the upstream gets: the body's, the correlation id and the X-Forwarded-* headers Kong sets. */
function upstreamHeaders(req: FastifyRequest, headers: Record<string, any>, o: { hasBody: boolean; clientContentType?: string; corr: Correlation; requestId?: string; tls: boolean; rawUrl: string; q: number }): Record<string, any> {
  const out: Record<string, any> = { ...headers };
  if (o.hasBody) {
    // the body now has a fixed length; a chunked transfer-encoding from the client no longer applies
    delete out['transfer-encoding'];
    if (!o.clientContentType) delete out['content-type'];
  }
  if (o.corr && o.requestId) out[o.corr.headerName.toLowerCase()] = o.requestId;
  const remote = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${prior}, ${remote}` : remote;
  out['x-real-ip'] = remote;
  out['x-forwarded-proto'] = o.tls && (req.socket as any).encrypted ? 'https' : 'http';
  out['x-forwarded-host'] = (req.headers.host ?? '').replace(/:\d+$/, '');
  out['x-forwarded-port'] = String(req.socket.localPort ?? '');
  out['x-forwarded-path'] = o.q >= 0 ? o.rawUrl.slice(0, o.q) : o.rawUrl;
  return out;
}

/** Kong's answer when the upstream fails: 504 on a timeout, 503 when its name does not resolve, else 502. */
function proxyError(rep: { code(n: number): { send(body: unknown): unknown } }, error: unknown): void {
  const code = errorCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || (error as any)?.statusCode === 504) {
    rep.code(504).send(UPSTREAM_TIMEOUT);
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    rep.code(503).send(NAME_RESOLUTION);
  } else {
    // connection refused / reset / invalid response: Kong's 502
    rep.code(502).send(BAD_UPSTREAM);
  }
}

/** One request through the gateway: routed by kong.yml (plus the fault routes), with the correlation id, proxied byte for byte. */
function proxyHandler(opts: GatewayOptions, router: KongRouter, upstreams: Record<string, string>) {
  const corr = router.correlationId();
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const rawUrl = req.raw.url ?? '/';
    const q = rawUrl.indexOf('?');
    if (normalizePath(q >= 0 ? rawUrl.slice(0, q) : rawUrl) === undefined) return reply.code(400).send(BAD_REQUEST);
    const extra = opts.faultRoutes?.().find((r) => rawUrl.startsWith(r.prefix));
    const match = extra ? { service: extra.service, upstreamUrl: `http://${extra.service}:8080${rawUrl}` } : router.match(req.method, rawUrl);
    // Kong runs no plugin (so no correlation id) when no route matched.
    if (!match) return reply.code(404).send(NO_ROUTE);

    // correlation-id: keep the caller's id, otherwise generate one; the upstream always gets it
    let requestId: string | undefined;
    if (corr) {
      const h = req.headers[corr.headerName.toLowerCase()];
      const given = Array.isArray(h) ? h[0] : h;
      requestId = given && given.length > 0 ? given : randomUUID();
      if (corr.echoDownstream) reply.header(corr.headerName, requestId);
    }
    reply.header('via', '1.1 kong/3.9.1 (flowgate embedded)');

    const base = upstreams[match.service];
    // Kong resolving a service host it cannot find answers 503
    if (!base) return reply.code(503).send(NAME_RESOLUTION);
    const target = rebaseUpstreamUrl(match.upstreamUrl, base);

    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && Buffer.isBuffer(req.body);
    const clientContentType = req.headers['content-type'];
    const started = Date.now();
    try {
      return reply.from(target, {
        // handing reply-from the Buffer with its content type makes it send the bytes unchanged (it would JSON.stringify a parsed body)
        ...(hasBody ? { body: req.body as Buffer, contentType: clientContentType ?? 'application/octet-stream' } : {}),
        rewriteRequestHeaders: (_r, headers) => upstreamHeaders(req, headers, { hasBody, clientContentType, corr, requestId, tls: !!opts.tls, rawUrl, q }),
        rewriteHeaders: (headers) => {
          const out: Record<string, any> = { ...headers };
          // correlation-id's echo wins over whatever the upstream set, as in Kong's header_filter phase
          if (corr?.echoDownstream && requestId) out[corr.headerName.toLowerCase()] = requestId;
          out['x-kong-upstream-latency'] = String(Date.now() - started);
          out['via'] = '1.1 kong/3.9.1 (flowgate embedded)';
          return out;
        },
        onError: (rep, { error }) => proxyError(rep, error),
      });
    } catch {
      // reply-from refuses URLs it cannot build (e.g. malformed percent-encoding); Kong answers those with 400
      return reply.code(400).send(BAD_REQUEST);
    }
  };
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const router = KongRouter.fromFile(opts.kongFile);
  const upstreams = { ...opts.upstreams };

  // forceCloseConnections: closing the gateway ends keep-alive sockets at once, as a gateway going down would.
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, requestTimeout: 0, forceCloseConnections: true, ...(opts.tls ? { https: { key: opts.tls.key, cert: opts.tls.cert, minVersion: 'TLSv1.2' as const } } : {}) });
  // A proxy must not reinterpret bodies: every content type (and none) stays the exact bytes the client sent,
  // because e.g. the Stripe webhook signature is computed over the raw body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  await app.register(replyFrom, {
    // Kong does not re-send a request because the upstream answered 503; reply-from would by default.
    retryMethods: [],
    undici: { headersTimeout: UPSTREAM_TIMEOUT_MS, bodyTimeout: UPSTREAM_TIMEOUT_MS },
    disableRequestLogging: true,
  });

  const handler = proxyHandler(opts, router, upstreams);
  app.route({ method: [...METHODS], url: '/', handler });
  app.route({ method: [...METHODS], url: '/*', handler });

  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const port = (app.server.address() as { port: number }).port;
  const plain = opts.tls ? await startRedirectPort(app, host, port) : undefined;
  // a wildcard bind is reached through loopback
  const reach = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return {
    url: `${opts.tls ? 'https' : 'http'}://${reach.includes(':') ? `[${reach}]` : reach}:${port}`,
    port,
    ...(plain ? { plainPort: plain.port } : {}),
    useCertificate: (c) => {
      if (!opts.tls) throw new Error('the gateway serves plain HTTP: there is no certificate to replace');
      (app.server as unknown as { setSecureContext(o: object): void }).setSecureContext({ key: c.key, cert: c.cert, minVersion: 'TLSv1.2' });
    },
    setPlainServesContent: (on) => plain?.setServesContent(on),
    close: async () => {
      await plain?.close();
      await app.close();
    },
  };
}

/** The plain-HTTP port beside HTTPS: every request gets a 308 to https and no body (unless the fault makes it serve the routes). */
async function startRedirectPort(app: { routing(req: IncomingMessage, res: ServerResponse): void }, host: string, httpsPort: number) {
  let servesContent = false;
  const server = createServer((req, res) => {
    if (servesContent) return app.routing(req, res);
    const r = httpsRedirect(req.headers.host, req.url, httpsPort);
    res.writeHead(r.status, { location: r.location, 'content-length': '0', connection: 'close' });
    res.end();
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    setServesContent: (on: boolean) => void (servesContent = on),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
