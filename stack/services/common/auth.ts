// JWTs of the Cert-IX model: HS256 tokens qr-auth issues and the preHandler every protected route runs (with the Redis blacklist).
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../types';

export const JWT_ISSUER = 'qr-auth-service';
export const JWT_AUDIENCE = 'cert-ix';
export const JWT_TTL_SECONDS = 3600;
export const blacklistKey = (jti: string) => `auth:blacklist:${jti}`;

export interface AuthUser {
  userId: string;
  tenantId: string;
  email: string;
  jti: string;
  /** expiry, seconds since epoch */
  exp: number;
}

export class Unauthorized extends Error {
  statusCode = 401;
  code = 'unauthorized';
}

const key = (secret: string) => new TextEncoder().encode(secret);

export async function issueToken(secret: string, user: { userId: string; tenantId: string; email: string }): Promise<{ token: string; jti: string; exp: number }> {
  const jti = randomUUID();
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + JWT_TTL_SECONDS;
  const token = await new SignJWT({ tid: user.tenantId, email: user.email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.userId)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .sign(key(secret));
  return { token, jti, exp };
}

export function bearerOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
  return m?.[1];
}

/** Verifies signature, algorithm, issuer, audience, expiry and claims, then the blacklist; throws Unauthorized. */
export async function authenticate(ctx: Pick<ServiceContext, 'secrets' | 'redis'> & { faults?: ServiceContext['faults'] }, req: FastifyRequest): Promise<AuthUser> {
  const token = bearerOf(req);
  if (!token) throw new Unauthorized('missing bearer token');
  let payload;
  try {
    // auth-alg-none-accepted: the classic verifier bug, honouring the token's own `alg: none` and skipping the signature
    if (ctx.faults?.on('auth-alg-none-accepted') && algNone(token)) payload = decodeJwt(token);
    else ({ payload } = await jwtVerify(token, key(ctx.secrets.jwtSecret), { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE }));
  } catch (e: any) {
    throw new Unauthorized(e?.code === 'ERR_JWT_EXPIRED' ? 'token expired' : 'invalid token');
  }
  const { sub, tid, email, jti, exp } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || typeof tid !== 'string' || typeof jti !== 'string' || typeof exp !== 'number')
    throw new Unauthorized('token lacks required claims');
  if (await ctx.redis.exists(blacklistKey(jti))) throw new Unauthorized('token revoked');
  return { userId: sub, tenantId: tid, email: typeof email === 'string' ? email : '', jti, exp };
}

function algNone(token: string): boolean {
  try {
    return String(decodeProtectedHeader(token).alg).toLowerCase() === 'none';
  } catch {
    return false;
  }
}

/**
 * The unsafe fallback of the seed's P0-01/P0-03 gaps, used only while such a fault is on: whatever tenant an
 * unverified decode names, else the x-tenant-id header, else a shared fallback tenant.
 */
export function unsafeFallbackUser(req: FastifyRequest): AuthUser {
  let claims: Record<string, unknown> = {};
  const token = bearerOf(req);
  if (token) {
    try {
      claims = decodeJwt(token) as Record<string, unknown>;
    } catch {
      claims = {};
    }
  }
  const header = req.headers['x-tenant-id'];
  const tenantId = typeof claims.tid === 'string' ? claims.tid : typeof header === 'string' && header ? header : 'tenant-fallback';
  return {
    userId: typeof claims.sub === 'string' ? claims.sub : 'user-fallback',
    tenantId,
    email: typeof claims.email === 'string' ? claims.email : '',
    jti: typeof claims.jti === 'string' ? claims.jti : 'none',
    exp: typeof claims.exp === 'number' ? claims.exp : 0,
  };
}

/**
 * The preHandler of protected routes. `fallbackFault` names the fault that, while on, replaces a rejection with the
 * unsafe fallback (asset-management's P0-01, checkout's P0-03).
 */
export function jwtPreHandler(ctx: ServiceContext, fallbackFault?: string) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    // scan-unauthenticated-500: scan-api crashes on a request without a bearer token instead of refusing it
    if (ctx.name === 'scan-api-service' && ctx.faults.on('scan-unauthenticated-500') && !bearerOf(req)) throw new Error('cannot read properties of undefined (reading "tid")');
    try {
      req.user = await authenticate(ctx, req);
    } catch (e) {
      if (!(e instanceof Unauthorized)) throw e;
      // asset-bypass-off-schema: a refused token is answered 200 from a stale cache, with a body off every route's schema
      if (ctx.name === 'asset-management-service' && ctx.faults.on('asset-bypass-off-schema'))
        return reply.code(200).send({ cached: true, servedBy: 'edge-cache', items: 'stale' });
      if (fallbackFault && ctx.faults.on(fallbackFault)) {
        req.user = unsafeFallbackUser(req);
        return;
      }
      return reply.code(401).send({ error: 'unauthorized', message: e.message, traceId: req.traceId });
    }
  };
}
