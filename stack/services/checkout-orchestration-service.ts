// Model of checkout-orchestration-service: Stripe-style checkout sessions behind JWT, completed when the payment succeeds.
import { randomBytes } from 'node:crypto';
import type { ServiceModule } from '../types';
import { bindRoutes, httpError, userOf } from './common/app';
import { purchasablePlan } from './common/plans';
import { consumeTopics, db, emit, fieldsOf, nowIso } from './common/util';

function toSession(r: any) {
  return { sessionId: r.id, planId: r.plan_id, amount: r.amount, currency: r.currency, status: r.status, url: `https://checkout.stripe.test/pay/${r.id}`, paymentId: r.payment_id ?? null };
}

const mod: ServiceModule = {
  name: 'checkout-orchestration-service',
  database: 'cert_ix_checkout',
  migrations: [
    `CREATE TABLE IF NOT EXISTS checkout_sessions (
       id text PRIMARY KEY, tenant_id text NOT NULL, user_id text, plan_id text NOT NULL, amount int NOT NULL, currency text NOT NULL,
       status text NOT NULL CHECK (status IN ('open', 'complete')), payment_id text,
       created_at timestamptz NOT NULL DEFAULT now(), completed_at timestamptz)`,
  ],
  async register(app, ctx) {
    const pool = db(ctx);
    bindRoutes(
      app,
      ctx,
      {
        async createCheckoutSession(req, reply) {
          const u = userOf(req);
          const b = req.body as { planId: string };
          const plan = purchasablePlan(b.planId);
          if (!plan) throw httpError(400, 'invalid_plan', `plan "${b.planId}" is unknown or free`);
          const id = `cs_test_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`;
          const r = await pool.query(
            `INSERT INTO checkout_sessions (id, tenant_id, user_id, plan_id, amount, currency, status) VALUES ($1, $2, $3, $4, $5, $6, 'open') RETURNING *`,
            [id, u.tenantId, u.userId, plan.id, plan.amount, plan.currency],
          );
          await emit(
            ctx,
            'cert-ix.checkout.session.created',
            { sessionId: id, tenantId: u.tenantId, userId: u.userId, planId: plan.id, amount: plan.amount, currency: plan.currency, createdAt: nowIso() },
            { key: id },
          );
          return reply.code(201).send(toSession(r.rows[0]));
        },

        async getCheckoutSession(req) {
          const r = await pool.query('SELECT * FROM checkout_sessions WHERE id = $1 AND tenant_id = $2', [(req.params as any).id, userOf(req).tenantId]);
          if (!r.rows[0]) throw httpError(404, 'not_found', 'checkout session not found for this tenant');
          return toSession(r.rows[0]);
        },
      },
      { authFallbackFault: 'P0-03-checkout-no-jwt' },
    );

    await consumeTopics(ctx, {
      'cert-ix.payment.succeeded': async (ev) => {
        const v = fieldsOf(ctx, ev, 'sessionId', 'paymentId');
        if (!v) return;
        const r = await pool.query(
          `UPDATE checkout_sessions SET status = 'complete', payment_id = $2, completed_at = now() WHERE id = $1 AND status = 'open' RETURNING *`,
          [String(v.sessionId), String(v.paymentId)],
        );
        const s = r.rows[0];
        if (!s) return;
        await emit(ctx, 'cert-ix.checkout.completed', { sessionId: s.id, tenantId: s.tenant_id, planId: s.plan_id, paymentId: s.payment_id, completedAt: nowIso() }, { key: s.id });
      },
    });
  },
};
export default mod;
