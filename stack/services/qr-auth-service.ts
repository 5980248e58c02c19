// Model of qr-auth-service: CSRF, register, verify-email, login (JWT), check-session, logout (blacklist) and the hash-chained audit log.
import { createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Pool } from 'pg';
import type { ServiceContext, ServiceModule } from '../types';
import { bindRoutes, httpError, userOf, type RouteHandler } from './common/app';
import { blacklistKey, es256Keys, issuedKey, issueToken, JWT_TTL_SECONDS } from './common/auth';
import { auditHash, GENESIS_HASH } from './common/audit-chain';
import { captchaKey } from './captcha-service';
import { db, emit, newId, nowIso } from './common/util';
import { SHARED_TENANT_ID } from '../faults';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number) => Promise<Buffer>;
/**
 * A CSRF token is kept in Redis under its HMAC with the CSRF key (CSRF_ENCRYPTION_KEY in a container, required): a
 * Redis dump holds no usable token, and the key outlives a restart (an ephemeral one would void every issued token; seed P0-10).
 */
export const csrfKey = (key: string, token: string) => `auth:csrf:${createHmac('sha256', key).update(token).digest('base64url')}`;
/** where the auth-login-contract-broken fault keeps the refresh tokens it hands out */
export const refreshKey = (token: string) => `auth:refresh:${token}`;
const CSRF_TTL_SECONDS = 3600;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 64);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

/** Appends one row to the SHA-384 chain; the advisory lock keeps concurrent writers from forking the chain. */
export async function appendAudit(pool: Pool, row: { action: 'register' | 'login' | 'logout'; userId: string; tenantId: string; traceId: string; details: Record<string, unknown> }) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('cert_ix_auth.audit_log'))");
    const last = await client.query<{ hash: string }>('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1');
    const prev = last.rows[0]?.hash ?? GENESIS_HASH;
    const content = { occurred_at: nowIso(), action: row.action, user_id: row.userId, tenant_id: row.tenantId, trace_id: row.traceId, details: row.details };
    await client.query(
      'INSERT INTO audit_log (occurred_at, action, user_id, tenant_id, trace_id, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [content.occurred_at, content.action, content.user_id, content.tenant_id, content.trace_id, JSON.stringify(content.details), prev, auditHash(prev, content)],
    );
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

async function requireCsrf(ctx: ServiceContext, req: any) {
  const token = req.headers[ctx.contracts.headers.csrf];
  if (typeof token !== 'string' || !token || !(await ctx.redis.exists(csrfKey(ctx.secrets.csrfEncryptionKey, token))))
    throw httpError(400, 'csrf_invalid', `missing or unknown ${ctx.contracts.headers.csrf}`);
}

/** What a client fetches before it signs in: the JWKS and a CSRF token. */
function keyRoutes(ctx: ServiceContext): Record<string, RouteHandler> {
  return {
    async getJwks() {
      // keys only while tokens are ES256: an HS256 stack has no public key to publish
      return { keys: ctx.faults.on('auth-alg-confusion-accepted') ? [es256Keys(ctx.secrets.jwtSecret).jwk] : [] };
    },
    async getCsrfToken(req, reply) {
      if (ctx.faults.on('auth-csrf-unavailable'))
        return reply.code(503).send({ error: 'service_unavailable', message: 'CSRF store unavailable', traceId: req.traceId });
      const token = randomBytes(24).toString('base64url');
      await ctx.redis.set(csrfKey(ctx.secrets.csrfEncryptionKey, token), '1', 'EX', CSRF_TTL_SECONDS);
      return { csrfToken: token };
    },
  };
}

/** A user pending verification and their verification token, in one transaction; a 409 when the email is taken. */
async function insertPendingUser(pool: Pool, u: { userId: string; tenantId: string; email: string; passwordHash: string; firstName: string; lastName: string; verificationToken: string }) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO users (id, tenant_id, email, password_hash, first_name, last_name, status) VALUES ($1, $2, $3, $4, $5, $6, 'pending_verification')`,
      [u.userId, u.tenantId, u.email, u.passwordHash, u.firstName, u.lastName],
    );
    await client.query('INSERT INTO email_verifications (token, user_id) VALUES ($1, $2)', [u.verificationToken, u.userId]);
    await client.query('COMMIT');
  } catch (e: any) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (e?.code === '23505') throw httpError(409, 'email_taken', 'email already registered');
    throw e;
  } finally {
    client.release();
  }
}

/** Signing up: register (CSRF and CAPTCHA checked, audited, with its events) and verify the email. */
function signupRoutes(ctx: ServiceContext): Record<string, RouteHandler> {
  const pool = db(ctx);
  return {
    async registerIndividual(req, reply) {
      await requireCsrf(ctx, req);
      const body = req.body as { email: string; password: string; firstName: string; lastName: string; captcha: { challengeId: string; solution: string } };
      // single use: the challenge is taken out of Redis whether or not the answer is right
      const expected = await ctx.redis.getdel(captchaKey(body.captcha.challengeId));
      if (expected === null || String(body.captcha.solution).trim() !== expected) throw httpError(400, 'captcha_invalid', 'CAPTCHA challenge unknown, expired or wrongly solved');
      const email = body.email.trim().toLowerCase();
      const userId = newId('usr');
      const tenantId = ctx.faults.on('shared-tenant') ? SHARED_TENANT_ID : newId('ten');
      const verificationToken = randomBytes(24).toString('base64url');
      const passwordHash = await hashPassword(body.password);
      await insertPendingUser(pool, { userId, tenantId, email, passwordHash, firstName: body.firstName, lastName: body.lastName, verificationToken });
      await appendAudit(pool, { action: 'register', userId, tenantId, traceId: req.traceId, details: { email } });
      const at = nowIso();
      await emit(
        ctx,
        'cert-ix.auth.user.registered.success',
        { userId, tenantId, email, firstName: body.firstName, lastName: body.lastName, verificationToken, registeredAt: at, traceId: req.traceId },
        { key: userId, omitSchemaVersion: ctx.faults.on('auth-registered-no-header') },
      );
      await emit(ctx, 'cert-ix.subscription.plan.free.request', { userId, tenantId, requestedAt: at, traceId: req.traceId }, { key: tenantId });
      return reply.code(201).send({ userId, tenantId, email, status: 'pending_verification' });
    },

    async verifyEmail(req) {
      const { token } = req.params as { token: string };
      const used = await pool.query<{ user_id: string }>('UPDATE email_verifications SET used_at = now() WHERE token = $1 AND used_at IS NULL RETURNING user_id', [token]);
      const userId = used.rows[0]?.user_id;
      if (!userId) throw httpError(404, 'not_found', 'unknown or already used verification token');
      if (!ctx.faults.on('auth-verify-no-activate'))
        await pool.query(`UPDATE users SET status = 'active', verified_at = now() WHERE id = $1`, [userId]);
      return { verified: true, userId };
    },
  };
}

/** The session: login (a JWT, audited, with its event), the session check and logout (the token blacklisted, audited). */
function sessionRoutes(ctx: ServiceContext): Record<string, RouteHandler> {
  const pool = db(ctx);
  return {
    async login(req) {
      await requireCsrf(ctx, req);
      const body = req.body as { email: string; password: string };
      const email = body.email.trim().toLowerCase();
      const found = await pool.query('SELECT id, tenant_id, email, password_hash, status FROM users WHERE email = $1', [email]);
      const u = found.rows[0];
      if (!u || !(await verifyPassword(body.password, u.password_hash))) throw httpError(401, 'invalid_credentials', 'wrong email or password');
      if (u.status !== 'active') throw httpError(403, 'email_not_verified', 'verify your email before logging in');
      // auth-alg-confusion-accepted puts the stack in ES256 mode (tokens with a kid, the key at getJwks) with a confused verifier
      const { token, jti } = await issueToken(ctx.secrets.jwtSecret, { userId: u.id, tenantId: u.tenant_id, email: u.email }, ctx.faults.on('auth-alg-confusion-accepted') ? 'ES256' : 'HS256');
      if (ctx.faults.on('vuln-requires-issued-jti')) await ctx.redis.set(issuedKey(jti), '1', 'EX', JWT_TTL_SECONDS);
      if (!ctx.faults.on('auth-login-audit-missing'))
        await appendAudit(pool, { action: 'login', userId: u.id, tenantId: u.tenant_id, traceId: req.traceId, details: { sessionId: jti } });
      await emit(ctx, 'cert-ix.auth.user.login.success', { userId: u.id, tenantId: u.tenant_id, sessionId: jti, loggedInAt: nowIso(), traceId: req.traceId }, { key: u.id });
      const user = { id: u.id, email: u.email, tenantId: u.tenant_id };
      if (ctx.faults.on('auth-login-contract-broken')) {
        // Real-looking secrets in an answer that breaks its schema: what a failing run must not write into its reports.
        const refreshToken = `rt_${randomBytes(32).toString('base64url')}`;
        await ctx.redis.set(refreshKey(refreshToken), u.id, 'EX', JWT_TTL_SECONDS * 24);
        return { accessToken: token, refreshToken, tokenType: 'Bearer', expiresIn: String(JWT_TTL_SECONDS), user };
      }
      return { accessToken: token, tokenType: 'Bearer', expiresIn: JWT_TTL_SECONDS, user };
    },

    async checkSession(req) {
      const u = userOf(req);
      return { valid: true, user: { id: u.userId, email: u.email, tenantId: u.tenantId } };
    },

    async logout(req) {
      const u = userOf(req);
      if (!ctx.faults.on('auth-logout-no-blacklist')) {
        // kept until the token would have expired anyway; at least one second so the key is never born dead
        const ttl = Math.max(1, u.exp - Math.floor(Date.now() / 1000));
        await ctx.redis.set(blacklistKey(u.jti), '1', 'EX', ttl);
      }
      if (!ctx.faults.on('auth-logout-audit-missing'))
        await appendAudit(pool, { action: 'logout', userId: u.userId, tenantId: u.tenantId, traceId: req.traceId, details: { sessionId: u.jti } });
      return { loggedOut: true };
    },
  };
}

const mod: ServiceModule = {
  name: 'qr-auth-service',
  database: 'cert_ix_auth',
  migrations: [
    `CREATE TABLE IF NOT EXISTS users (
       id text PRIMARY KEY, tenant_id text NOT NULL, email text NOT NULL UNIQUE, password_hash text NOT NULL,
       first_name text, last_name text, status text NOT NULL CHECK (status IN ('pending_verification', 'active')),
       created_at timestamptz NOT NULL DEFAULT now(), verified_at timestamptz)`,
    `CREATE TABLE IF NOT EXISTS email_verifications (
       token text PRIMARY KEY, user_id text NOT NULL REFERENCES users(id), created_at timestamptz NOT NULL DEFAULT now(), used_at timestamptz)`,
    `CREATE TABLE IF NOT EXISTS audit_log (
       id bigserial PRIMARY KEY, occurred_at timestamptz NOT NULL DEFAULT now(),
       action text NOT NULL CHECK (action IN ('register', 'login', 'logout')), user_id text, tenant_id text, trace_id text,
       details jsonb NOT NULL DEFAULT '{}'::jsonb, prev_hash text NOT NULL, hash text NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS audit_log_user_idx ON audit_log (user_id, action)`,
  ],
  async register(app, ctx) {
    bindRoutes(app, ctx, { ...keyRoutes(ctx), ...signupRoutes(ctx), ...sessionRoutes(ctx) });
  },
};
export default mod;
