// Unit tests of the forged-token builders the auth probes send.
import { test, expect } from '@playwright/test';
import { jwtVerify, decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { algOf, algConfusionApplies, hs256, isAsymmetric, kidOf, publicKeyFromJwks, reclaim, unsignedToken } from './tokens';

test('an alg:none token carries the claims, names alg none and has an empty signature', () => {
  const t = unsignedToken({ sub: 'u-1', tid: 't-1' });
  const [, , sig] = t.split('.');
  expect(sig).toBe('');
  expect(decodeProtectedHeader(t).alg).toBe('none');
  expect(decodeJwt(t)).toMatchObject({ sub: 'u-1', tid: 't-1' });
});

test('hs256 signs with the key given: it verifies with that key and not another', async () => {
  const t = await hs256({ sub: 'u-1' }, 'k-1');
  await expect(jwtVerify(t, new TextEncoder().encode('k-1'))).resolves.toBeTruthy();
  await expect(jwtVerify(t, new TextEncoder().encode('k-2'))).rejects.toThrow();
});

test('reclaim keeps a login token\'s claims, with new iat/exp and a fresh jti', async () => {
  const login = await new SignJWT({ tid: 't-1', email: 'a@b' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u-1').setJti('j-1').setIssuer('iss').setAudience('aud').sign(new TextEncoder().encode('x'));
  const c = reclaim(login, 100, 200);
  expect(c).toMatchObject({ sub: 'u-1', tid: 't-1', email: 'a@b', iss: 'iss', aud: 'aud', iat: 100, exp: 200 });
  expect(c.jti).not.toBe('j-1');
  expect(algOf(login)).toBe('HS256');
  expect(algOf('garbage')).toBeUndefined();
});

test('algorithm confusion applies only to asymmetric targets with a public key', () => {
  expect(isAsymmetric('RS256')).toBe(true);
  expect(isAsymmetric('ES384')).toBe(true);
  expect(isAsymmetric('EdDSA')).toBe(true);
  expect(isAsymmetric('HS256')).toBe(false);
  expect(isAsymmetric(undefined)).toBe(false);
  const hs = algConfusionApplies('HS256', 'pem');
  expect(hs.applies).toBe(false);
  expect(!hs.applies && hs.why).toContain('not meaningful for HS256 (symmetric) targets');
  const noKey = algConfusionApplies('RS256', undefined);
  expect(!noKey.applies && noKey.why).toContain('FLOWGATE_JWT_PUBLIC_KEY_FILE');
  expect(algConfusionApplies('RS256', '-----BEGIN PUBLIC KEY-----').applies).toBe(true);
});

test('the alg-confusion token is what a confused verifier accepts: HS256 keyed with the RS256 public key PEM', async () => {
  const { generateKeyPair, exportSPKI } = await import('jose');
  const { publicKey } = await generateKeyPair('RS256', { extractable: true });
  const pem = await exportSPKI(publicKey);
  const t = await hs256({ sub: 'u-1', tid: 't-1' }, pem);
  // the vulnerable verifier: takes the header's HS256 and uses the key material it has (the PEM) as the secret
  await expect(jwtVerify(t, new TextEncoder().encode(pem), { algorithms: ['HS256'] })).resolves.toBeTruthy();
  // a correct verifier pins RS256 and refuses it
  await expect(jwtVerify(t, publicKey, { algorithms: ['RS256'] })).rejects.toThrow();
});

test('the verification key comes from a JWKS by the token\'s kid, as the PEM text a confused verifier keys HMAC with', async () => {
  const { generateKeyPair, exportJWK, exportSPKI, SignJWT } = await import('jose');
  const a = await generateKeyPair('ES256', { extractable: true });
  const b = await generateKeyPair('RS256', { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(b.publicKey)), kid: 'rsa-1', use: 'sig' }, { ...(await exportJWK(a.publicKey)), kid: 'ec-1', use: 'sig' }] };
  const token = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'ES256', kid: 'ec-1' }).sign(a.privateKey);
  expect(kidOf(token)).toBe('ec-1');
  // the PEM as a key file holds it (with its final newline), which is what a verifier reading its key file keys HMAC with
  expect(publicKeyFromJwks(jwks, kidOf(token))).toEqual({ pem: `${await exportSPKI(a.publicKey)}\n` });
  // no kid: the only key, else none (which one the target uses cannot be told)
  expect(publicKeyFromJwks({ keys: [jwks.keys[1]] }, undefined)).toEqual({ pem: `${await exportSPKI(a.publicKey)}\n` });
  expect((publicKeyFromJwks(jwks, undefined) as { why: string }).why).toContain('names no kid');
  expect((publicKeyFromJwks(jwks, 'other') as { why: string }).why).toContain('kid "other"');
  expect((publicKeyFromJwks({ nope: 1 }, 'ec-1') as { why: string }).why).toContain('"keys"');
  expect((publicKeyFromJwks({ keys: [{ kty: 'EC', kid: 'bad', crv: 'P-256', x: 'AA', y: 'AA' }] }, 'bad') as { why: string }).why).toContain('not a usable public key');
  expect(algConfusionApplies('ES256', undefined, 'the JWKS has no "keys" array')).toMatchObject({ applies: false, why: expect.stringContaining('no key came from its JWKS (the JWKS has no "keys" array)') });
});
