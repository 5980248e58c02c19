// JWTs of the Cert-IX model: HS256 tokens qr-auth issues and the preHandler every protected route runs (with the Redis blacklist).
import { createECDH, createHmac, createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../types';
import type { FaultName } from '../../faults';

export const JWT_ISSUER = 'qr-auth-service';
export const JWT_AUDIENCE = 'cert-ix';
export const JWT_TTL_SECONDS = 3600;
export const blacklistKey = (jti: string) => `auth:blacklist:${jti}`;
/** vuln-requires-issued-jti: the tokens qr-auth issued (recorded only while that fault is on) */
export const issuedKey = (jti: string) => `auth:issued:${jti}`;

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

/** kid of the ES256 key qr-auth signs with while auth-alg-confusion-accepted is on (served at getJwks). */
export const ES256_KID = 'flowgate-es256-1';

export interface Es256Keys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** the public key as an RFC 7517 JWK (what getJwks serves) */
  jwk: Record<string, string>;
  /** the public key as SPKI PEM text: what a confused verifier uses as the HMAC secret */
  pem: string;
}

const es256Cache = new Map<string, Es256Keys>();

/**
 * The stack's ES256 key pair, derived from the JWT secret so every service process (in-process or one container each)
 * has the same one without another secret to distribute. A P-256 scalar from HMAC-SHA256 is below the group order
 * but for a 2^-32 chance, in which case setPrivateKey throws at start.
 */
export function es256Keys(secret: string): Es256Keys {
  const cached = es256Cache.get(secret);
  if (cached) return cached;
  const d = createHmac('sha256', secret).update('flowgate-es256-signing-key').digest();
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const pub = ecdh.getPublicKey();
  const jwk = { kty: 'EC', crv: 'P-256', x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33).toString('base64url') };
  const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
  const keys: Es256Keys = {
    privateKey: createPrivateKey({ key: { ...jwk, d: d.toString('base64url') }, format: 'jwk' }),
    publicKey,
    jwk: { ...jwk, kid: ES256_KID, alg: 'ES256', use: 'sig' },
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  es256Cache.set(secret, keys);
  return keys;
}

/** A token for the user: HS256 with the secret, or (auth-alg-confusion-accepted's mode) ES256 with the derived key and its kid. */
export async function issueToken(secret: string, user: { userId: string; tenantId: string; email: string }, alg: 'HS256' | 'ES256' = 'HS256'): Promise<{ token: string; jti: string; exp: number }> {
  const jti = randomUUID();
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + JWT_TTL_SECONDS;
  const token = await new SignJWT({ tid: user.tenantId, email: user.email })
    .setProtectedHeader(alg === 'ES256' ? { alg, typ: 'JWT', kid: ES256_KID } : { alg, typ: 'JWT' })
    .setSubject(user.userId)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .sign(alg === 'ES256' ? es256Keys(secret).privateKey : key(secret));
  return { token, jti, exp };
}

export function bearerOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
  return m?.[1];
}

/** Verifies signature, algorithm, issuer, audience, expiry and claims, then the blacklist; throws Unauthorized. */
export async function authenticate(ctx: Pick<ServiceContext, 'secrets' | 'redis'> & { faults?: ServiceContext['faults']; name?: string }, req: FastifyRequest): Promise<AuthUser> {
  const token = bearerOf(req);
  if (!token) throw new Unauthorized('missing bearer token');
  let payload;
  try {
    // auth-alg-none-accepted: the classic verifier bug, honouring the token's own `alg: none` and skipping the signature
    if (ctx.faults?.on('auth-alg-none-accepted') && algNone(token)) payload = decodeJwt(token);
    else if (ctx.faults?.on('auth-alg-confusion-accepted')) ({ payload } = await confusedVerify(ctx.secrets.jwtSecret, token));
    else ({ payload } = await jwtVerify(token, key(ctx.secrets.jwtSecret), { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE }));
  } catch (e: any) {
    throw new Unauthorized(e?.code === 'ERR_JWT_EXPIRED' ? 'token expired' : 'invalid token');
  }
  const { sub, tid, email, jti, exp } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || typeof tid !== 'string' || typeof jti !== 'string' || typeof exp !== 'number')
    throw new Unauthorized('token lacks required claims');
  if (await ctx.redis.exists(blacklistKey(jti))) throw new Unauthorized('token revoked');
  // vuln-requires-issued-jti: vulnerability-management takes only tokens qr-auth issued, so a correctly signed token
  // minted elsewhere (JWT_TEST_SIGNING_KEY's) is refused there: the probes' positive control on that service must see it
  if (ctx.name === 'vulnerability-management-service' && ctx.faults?.on('vuln-requires-issued-jti') && !(await ctx.redis.exists(issuedKey(jti))))
    throw new Unauthorized('token not issued by qr-auth');
  return { userId: sub, tenantId: tid, email: typeof email === 'string' ? email : '', jti, exp };
}

/**
 * auth-alg-confusion-accepted: the verifier of an ES256-signing stack with the classic bug. It takes the key by the
 * token's own header: ES256 with the public key, HS256 with the test secret (JWT_TEST_SIGNING_KEY still signs) and
 * also HS256 keyed with the public key's PEM text, which anyone can read from the JWKS.
 */
async function confusedVerify(secret: string, token: string) {
  const opts = { issuer: JWT_ISSUER, audience: JWT_AUDIENCE };
  const keys = es256Keys(secret);
  if (decodeProtectedHeader(token).alg === 'ES256') return jwtVerify(token, keys.publicKey, { ...opts, algorithms: ['ES256'] });
  try {
    return await jwtVerify(token, key(secret), { ...opts, algorithms: ['HS256'] });
  } catch (e: any) {
    if (e?.code === 'ERR_JWT_EXPIRED') throw e;
    return jwtVerify(token, key(keys.pem), { ...opts, algorithms: ['HS256'] });
  }
}

function algNone(token: string): boolean {
  try {
    return String(decodeProtectedHeader(token).alg).toLowerCase() === 'none';
  } catch {
    return false;
  }
}

/**
 * The unsafe fallback of the compliance matrix's P0-01/P0-03 gaps, used only while such a fault is on: whatever tenant an
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
export function jwtPreHandler(ctx: ServiceContext, fallbackFault?: FaultName) {
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
