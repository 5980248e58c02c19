// Model of account-provisioning-service: provisions a tenant on registration and marks it paid on payment.
import type { ServiceModule } from '../types';
import { bindRoutes } from './common/app';
import { consumeTopics, db, fieldsOf } from './common/util';

const mod: ServiceModule = {
  name: 'account-provisioning-service',
  // the seed: account-provisioning shares subscription-service's database
  database: 'cert_ix_subscription',
  migrations: [
    `CREATE TABLE IF NOT EXISTS tenants (
       id text PRIMARY KEY, owner_user_id text, status text NOT NULL, billing_status text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`,
  ],
  async register(app, ctx) {
    const pool = db(ctx);
    bindRoutes(app, ctx, {});
    await consumeTopics(ctx, {
      'cert-ix.auth.user.registered.success': async (ev) => {
        const v = fieldsOf(ctx, ev, 'tenantId', 'userId');
        if (!v) return;
        await pool.query(
          `INSERT INTO tenants (id, owner_user_id, status, billing_status) VALUES ($1, $2, 'provisioned', 'free') ON CONFLICT (id) DO NOTHING`,
          [String(v.tenantId), String(v.userId)],
        );
      },
      'cert-ix.payment.succeeded': async (ev) => {
        const v = fieldsOf(ctx, ev, 'tenantId');
        if (!v) return;
        await pool.query(`UPDATE tenants SET billing_status = 'paid', updated_at = now() WHERE id = $1`, [String(v.tenantId)]);
      },
    });
  },
};
export default mod;
