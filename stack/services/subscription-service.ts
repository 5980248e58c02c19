// Model of subscription-service: free plan on request, current subscription with usage, quota sync, upgrade on payment.
import { QUOTA_LATE_HOP_MS } from '../faults';
import type { ServiceModule } from '../types';
import { bindRoutes, httpError, userOf } from './common/app';
import { FREE_PLAN, planById } from './common/plans';
import { consumeTopics, db, emit, fieldsOf, iso, newId, nowIso } from './common/util';

const mod: ServiceModule = {
  name: 'subscription-service',
  database: 'cert_ix_subscription',
  migrations: [
    `CREATE TABLE IF NOT EXISTS subscriptions (
       id text PRIMARY KEY, tenant_id text NOT NULL UNIQUE, user_id text, plan_id text NOT NULL, tier text NOT NULL,
       status text NOT NULL, assets_used int NOT NULL DEFAULT 0, assets_limit int NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`,
  ],
  async register(app, ctx) {
    const pool = db(ctx);
    bindRoutes(app, ctx, {
      async getCurrentSubscription(req) {
        const u = userOf(req);
        const r = await pool.query('SELECT * FROM subscriptions WHERE tenant_id = $1', [u.tenantId]);
        const s = r.rows[0];
        if (!s) throw httpError(404, 'not_found', 'no subscription for this tenant yet');
        return {
          subscriptionId: s.id,
          tenantId: s.tenant_id,
          planId: s.plan_id,
          tier: s.tier,
          status: s.status,
          usage: { assets: s.assets_used },
          limits: { assets: s.assets_limit },
          updatedAt: iso(s.updated_at),
        };
      },
    });

    await consumeTopics(ctx, {
      'cert-ix.subscription.plan.free.request': async (ev) => {
        if (ctx.faults.on('auth-free-plan-never-activated')) return;
        const v = fieldsOf(ctx, ev, 'userId', 'tenantId');
        if (!v) return;
        const inserted = await pool.query<{ id: string }>(
          `INSERT INTO subscriptions (id, tenant_id, user_id, plan_id, tier, status, assets_used, assets_limit)
           VALUES ($1, $2, $3, $4, $5, 'active', 0, $6) ON CONFLICT (tenant_id) DO NOTHING RETURNING id`,
          [newId('sub'), String(v.tenantId), String(v.userId), FREE_PLAN.id, FREE_PLAN.tier, FREE_PLAN.limits.assets],
        );
        if (!inserted.rows[0]) return; // a redelivered request: already active
        await emit(
          ctx,
          'cert-ix.subscription.plan.free.activated',
          { subscriptionId: inserted.rows[0].id, userId: String(v.userId), tenantId: String(v.tenantId), planId: 'free', tier: 'free', activatedAt: nowIso() },
          { key: String(v.tenantId) },
        );
      },

      'cert-ix.subscription.quota.sync': async (ev) => {
        const v = fieldsOf(ctx, ev, 'tenantId', 'resource');
        if (!v || v.resource !== 'assets' || !Number.isInteger(v.used) || v.used < 0) return;
        // asset-quota-sync-late: the second late hop (the first is in quota-sync); not awaited, so the consumer keeps reading
        if (ctx.faults.on('asset-quota-sync-late')) {
          setTimeout(() => void pool.query('UPDATE subscriptions SET assets_used = $2, updated_at = now() WHERE tenant_id = $1', [String(v.tenantId), v.used]).catch((e) => ctx.log(`subscription-service: late quota sync failed: ${e}`)), QUOTA_LATE_HOP_MS);
          return;
        }
        await pool.query('UPDATE subscriptions SET assets_used = $2, updated_at = now() WHERE tenant_id = $1', [String(v.tenantId), v.used]);
      },

      'cert-ix.payment.succeeded': async (ev) => {
        if (ctx.faults.on('payment-subscription-not-upgraded')) return;
        const v = fieldsOf(ctx, ev, 'tenantId', 'planId');
        if (!v) return;
        const plan = planById(v.planId);
        if (!plan) return ctx.log(`subscription-service: payment for unknown plan ${v.planId} ignored`);
        const prev = await pool.query<{ id: string; tier: string }>('SELECT id, tier FROM subscriptions WHERE tenant_id = $1', [String(v.tenantId)]);
        if (!prev.rows[0]) return ctx.log(`subscription-service: payment for tenant ${v.tenantId} without subscription ignored`);
        await pool.query('UPDATE subscriptions SET plan_id = $2, tier = $3, assets_limit = $4, status = $5, updated_at = now() WHERE tenant_id = $1', [
          String(v.tenantId), plan.id, plan.tier, plan.limits.assets, 'active',
        ]);
        await emit(
          ctx,
          'cert-ix.subscription.plan.upgraded',
          { subscriptionId: prev.rows[0].id, tenantId: String(v.tenantId), planId: plan.id, tier: plan.tier, previousTier: prev.rows[0].tier, ...(v.paymentId ? { paymentId: String(v.paymentId) } : {}), upgradedAt: nowIso() },
          { key: String(v.tenantId) },
        );
      },
    });
  },
};
export default mod;
