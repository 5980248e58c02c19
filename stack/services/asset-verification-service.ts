// Model of asset-verification-service: learns assets from Kafka and checks ownership proofs for them.
import type { ServiceModule } from '../types';
import { bindRoutes, httpError, userOf } from './common/app';
import { consumeTopics, db, fieldsOf, newId } from './common/util';

const mod: ServiceModule = {
  name: 'asset-verification-service',
  database: 'cert_ix_asset_verification',
  migrations: [
    `CREATE TABLE IF NOT EXISTS known_assets (asset_id text PRIMARY KEY, tenant_id text NOT NULL, value text, deleted boolean NOT NULL DEFAULT false)`,
    `CREATE TABLE IF NOT EXISTS proofs (
       id text PRIMARY KEY, asset_id text NOT NULL, tenant_id text NOT NULL, method text NOT NULL, status text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now())`,
  ],
  async register(app, ctx) {
    const pool = db(ctx);
    bindRoutes(app, ctx, {
      async createOwnershipProof(req, reply) {
        const u = userOf(req);
        const b = req.body as { assetId: string; method: string };
        // ownership-proof-cross-tenant: the asset is looked up by id alone, so another tenant proves it (BOLA)
        const known = ctx.faults.on('ownership-proof-cross-tenant')
          ? await pool.query('SELECT 1 FROM known_assets WHERE asset_id = $1 AND NOT deleted', [b.assetId])
          : await pool.query('SELECT 1 FROM known_assets WHERE asset_id = $1 AND tenant_id = $2 AND NOT deleted', [b.assetId, u.tenantId]);
        if (!known.rows[0]) throw httpError(404, 'not_found', 'asset not known to the verification service (yet)');
        // the model treats every known asset as provable; the fault makes every proof fail
        const status = ctx.faults.on('scan-ownership-rejected') ? 'failed' : 'verified';
        const proofId = newId('prf');
        await pool.query('INSERT INTO proofs (id, asset_id, tenant_id, method, status) VALUES ($1, $2, $3, $4, $5)', [proofId, b.assetId, u.tenantId, b.method, status]);
        return reply.code(201).send({ proofId, assetId: b.assetId, method: b.method, status });
      },
    });
    await consumeTopics(ctx, {
      'cert-ix.asset.created': async (ev) => {
        const v = fieldsOf(ctx, ev, 'assetId', 'tenantId');
        if (!v) return;
        await pool.query(
          'INSERT INTO known_assets (asset_id, tenant_id, value, deleted) VALUES ($1, $2, $3, false) ON CONFLICT (asset_id) DO UPDATE SET value = EXCLUDED.value',
          [String(v.assetId), String(v.tenantId), v.value == null ? null : String(v.value)],
        );
      },
      'cert-ix.asset.deleted': async (ev) => {
        const v = fieldsOf(ctx, ev, 'assetId', 'tenantId');
        if (!v) return;
        await pool.query(
          'INSERT INTO known_assets (asset_id, tenant_id, value, deleted) VALUES ($1, $2, $3, true) ON CONFLICT (asset_id) DO UPDATE SET deleted = true',
          [String(v.assetId), String(v.tenantId), v.value == null ? null : String(v.value)],
        );
      },
    });
  },
};
export default mod;
