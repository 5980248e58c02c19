// The Fastify shell every Cert-IX service model runs in: health, trace ids, one error shape, latency faults, contract-bound routes.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ServiceContext, ServiceModule } from '../../types';
import type { FaultName } from '../../faults';
import { jwtPreHandler, type AuthUser } from './auth';

declare module 'fastify' {
  interface FastifyRequest {
    /** the x-request-id the gateway added, or one made here */
    traceId: string;
    /** the authenticated caller on protected routes */
    user: AuthUser | null;
    /** the exact request body text (Stripe signatures are computed over it) */
    rawBody: string | undefined;
  }
  interface FastifyContextConfig {
    operationId?: string;
  }
}

/** An error a handler throws to answer `{ error, message, traceId }` with a status. */
export class HttpError extends Error {
  constructor(
    public statusCode: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
}
export const httpError = (status: number, code: string, message: string) => new HttpError(status, code, message);

export type RouteHandler = (req: FastifyRequest<any>, reply: FastifyReply) => Promise<unknown>;

export async function buildServiceApp(mod: ServiceModule, ctx: ServiceContext): Promise<FastifyInstance> {
  // forceCloseConnections: a stop must not wait for a request held by a latency fault or a keep-alive socket.
  const app = Fastify({ logger: false, forceCloseConnections: true, genReqId: () => randomUUID() });
  const traceHeader = ctx.contracts.headers.trace;

  app.decorateRequest('traceId', '');
  app.decorateRequest('user', null);
  app.decorateRequest('rawBody', undefined);

  // One JSON parser that also keeps the raw text (the Stripe webhook verifies its signature over it) and accepts an
  // empty body, because clients send `content-type: application/json` on body-less POSTs such as logout.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    req.rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    defaultJson(req, text, done);
  });

  app.addHook('onRequest', async (req, reply) => {
    const incoming = req.headers[traceHeader];
    req.traceId = typeof incoming === 'string' && incoming ? incoming : randomUUID();
    reply.header(traceHeader, req.traceId);
  });

  // latency:<operationId> faults: holding the answer is the whole point of the fault; released when the app closes.
  const pending = new Set<() => void>();
  app.addHook('onRequest', async (req) => {
    const op = req.routeOptions.config?.operationId;
    const ms = op ? ctx.faults.latencyFor(op) : 0;
    if (ms > 0) {
      ctx.log(`latency fault: holding ${op} for ${ms} ms`);
      await new Promise<void>((resolve) => {
        const release = () => {
          clearTimeout(timer);
          pending.delete(release);
          resolve();
        };
        const timer = setTimeout(release, ms);
        pending.add(release);
      });
    }
  });
  app.addHook('preClose', async () => {
    for (const release of [...pending]) release();
  });

  app.setErrorHandler((err: any, req, reply) => {
    const traceId = req.traceId;
    if (err.validation) return reply.code(400).send({ error: 'bad_request', message: err.message, traceId });
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) ctx.log(`${req.method} ${req.url} failed: ${err.stack ?? err}`);
    const code = err instanceof HttpError ? err.code : status === 500 ? 'internal_error' : typeof err.code === 'string' ? err.code.toLowerCase() : 'error';
    return reply.code(status).send({ error: code, message: status === 500 ? 'internal error' : err.message, traceId });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url}`, traceId: req.traceId }));

  // health-degraded: one P0 service still answers 200, but says it is degraded (criterion 10 must see through that).
  const health = async () => ({ status: ctx.faults.on('health-degraded') && mod.name === 'scan-api-service' ? 'degraded' : 'ok', service: mod.name });
  app.get(`/health/${mod.name}`, health);
  app.get('/health', health);
  // health-catch-all: one route answers every health path with this service's own health (the gateway sends them all here).
  app.get('/health/*', async (_req, reply) => {
    if (ctx.faults.on('health-catch-all')) return health();
    reply.callNotFound();
    return reply;
  });

  await mod.register(app, ctx);
  return app;
}

export interface BindOptions {
  /** fault that, while on, lets protected routes of this service fall back to an unverified tenant (P0-01, P0-03) */
  authFallbackFault?: FaultName;
}

/**
 * Binds every contract route of the service (method, path, body schema, JWT on protected routes) to its handler.
 * Throws at start when a contract route has no handler or a handler names no contract route.
 */
export function bindRoutes(app: FastifyInstance, ctx: ServiceContext, handlers: Record<string, RouteHandler>, opts: BindOptions = {}): void {
  const routes = ctx.contracts.routesOf(ctx.name);
  const missing = routes.filter((r) => !handlers[r.operationId]).map((r) => r.operationId);
  const extra = Object.keys(handlers).filter((op) => !routes.some((r) => r.operationId === op));
  if (missing.length || extra.length)
    throw new Error(`${ctx.name}: contract routes without handler [${missing.join(', ')}], handlers without contract route [${extra.join(', ')}]`);
  const auth = jwtPreHandler(ctx, opts.authFallbackFault);
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.routerPath,
      config: { operationId: r.operationId },
      schema: r.bodySchema ? { body: r.bodySchema } : undefined,
      // onRequest, so a request without a valid token is refused before its body is even validated
      onRequest: r.protected ? auth : undefined,
      handler: handlers[r.operationId],
    });
  }
}

/** The user a protected route's handler acts for (set by the JWT preHandler). */
export function userOf(req: FastifyRequest): AuthUser {
  if (!req.user) throw httpError(401, 'unauthorized', 'no authenticated user');
  return req.user;
}
