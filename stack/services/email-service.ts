// Model of email-service: "sends" (stores) the verification mail and plan mails it learns of from Kafka.
import type { Pool } from 'pg';
import type { ServiceModule } from '../types';
import { bindRoutes } from './common/app';
import { consumeTopics, db, fieldsOf } from './common/util';

async function recipientOf(pool: Pool, by: { userId?: string; tenantId?: string }): Promise<string | null> {
  // the events after registration carry no address; the service remembers it from the mail it sent at registration
  const r = await pool.query<{ recipient: string }>(
    `SELECT recipient FROM sent_mail WHERE template = 'verify-email' AND (user_id = $1 OR tenant_id = $2) ORDER BY id DESC LIMIT 1`,
    [by.userId ?? null, by.tenantId ?? null],
  );
  return r.rows[0]?.recipient ?? null;
}

async function store(pool: Pool, m: { recipient: string; template: string; subject: string; body: string; verificationToken?: string | null; userId?: string | null; tenantId?: string | null }) {
  await pool.query(
    'INSERT INTO sent_mail (recipient, template, subject, body, verification_token, user_id, tenant_id) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [m.recipient, m.template, m.subject, m.body, m.verificationToken ?? null, m.userId ?? null, m.tenantId ?? null],
  );
}

const mod: ServiceModule = {
  name: 'email-service',
  database: 'cert_ix_email',
  migrations: [
    `CREATE TABLE IF NOT EXISTS sent_mail (
       id bigserial PRIMARY KEY, recipient text NOT NULL, template text NOT NULL, subject text NOT NULL, body text NOT NULL,
       verification_token text, user_id text, tenant_id text, sent_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE INDEX IF NOT EXISTS sent_mail_user_idx ON sent_mail (user_id)`,
    `CREATE INDEX IF NOT EXISTS sent_mail_token_idx ON sent_mail (verification_token)`,
  ],
  async register(app, ctx) {
    const pool = db(ctx);
    bindRoutes(app, ctx, {});
    // The internal API other services call (seed P0-05: no HTTP auth). Safe only while no gateway route reaches it.
    app.post('/internal/email/send', async (req, reply) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (typeof b.to !== 'string' || typeof b.subject !== 'string') return reply.code(400).send({ error: 'bad_request', message: 'to and subject are required' });
      await store(pool, { recipient: b.to, template: 'internal', subject: b.subject, body: String(b.body ?? '') });
      return reply.code(202).send({ queued: true });
    });
    await consumeTopics(ctx, {
      'cert-ix.auth.user.registered.success': async (ev) => {
        const v = fieldsOf(ctx, ev, 'userId', 'tenantId', 'email', 'verificationToken');
        if (!v) return;
        await store(pool, {
          recipient: String(v.email),
          template: 'verify-email',
          subject: 'Verify your Cert-IX email address',
          body: `Hello ${v.firstName ?? ''}, confirm your address: /api/v1/register/verify-email/${encodeURIComponent(String(v.verificationToken))}`,
          verificationToken: String(v.verificationToken),
          userId: String(v.userId),
          tenantId: String(v.tenantId),
        });
      },
      'cert-ix.subscription.plan.free.activated': async (ev) => {
        const v = fieldsOf(ctx, ev, 'userId', 'tenantId');
        if (!v) return;
        const to = (await recipientOf(pool, { userId: String(v.userId), tenantId: String(v.tenantId) })) ?? `user:${v.userId}`;
        await store(pool, { recipient: to, template: 'free-plan-activated', subject: 'Your Cert-IX Free plan is active', body: `Subscription ${v.subscriptionId} is active on the free tier.`, userId: String(v.userId), tenantId: String(v.tenantId) });
      },
      'cert-ix.subscription.plan.upgraded': async (ev) => {
        const v = fieldsOf(ctx, ev, 'tenantId', 'tier');
        if (!v) return;
        const to = (await recipientOf(pool, { tenantId: String(v.tenantId) })) ?? `tenant:${v.tenantId}`;
        await store(pool, { recipient: to, template: 'plan-upgraded', subject: `Your Cert-IX plan is now ${v.tier}`, body: `Subscription ${v.subscriptionId} moved from ${v.previousTier} to ${v.tier}.`, tenantId: String(v.tenantId) });
      },
    });
  },
};
export default mod;
