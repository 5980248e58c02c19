// Model of asset-management-service: tenant-scoped asset CRUD behind JWT, audit rows with the trace id, asset and quota events.
import type { ServiceContext, ServiceModule } from '../types';
import { bindRoutes, httpError, userOf, type RouteHandler } from './common/app';
import { db, emit, iso, newId, nowIso } from './common/util';
import { HUGE_BODY_BYTES } from '../faults';

type Action = 'create' | 'read' | 'update' | 'delete';

function toAsset(r: any) {
  return { id: r.id, tenantId: r.tenant_id, name: r.name, type: r.type, value: r.value, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) };
}

/** What every asset route shares: the pool, the audit trail, the event payload, the quota sync and the tenant-scoped lookup. */
function assetStore(ctx: ServiceContext) {
  const pool = db(ctx);
  const audit = async (action: Action, assetId: string, req: any) => {
    const u = userOf(req);
    // P0-02: the compliance matrix's gap is an audit trail without the correlation id
    const traceId = ctx.faults.on('P0-02-asset-audit-no-trace') ? null : req.traceId;
    await pool.query('INSERT INTO asset_audit (action, asset_id, tenant_id, user_id, trace_id) VALUES ($1, $2, $3, $4, $5)', [action, assetId, u.tenantId, u.userId, traceId]);
  };
  const event = (a: ReturnType<typeof toAsset>, traceId: string) => ({ assetId: a.id, tenantId: a.tenantId, name: a.name, type: a.type, value: a.value, at: nowIso(), traceId });
  const syncQuota = async (tenantId: string, traceId: string) => {
    // the absolute count, so a lost or repeated message cannot drift the usage
    const c = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM assets WHERE tenant_id = $1', [tenantId]);
    await emit(ctx, 'cert-ix.quota.sync.assets', { tenantId, assetCount: c.rows[0].n, at: nowIso(), traceId }, { key: tenantId });
  };
  const find = async (id: string, tenantId: string, anyTenant = false) => {
    // asset-cross-tenant-read (BOLA): a read that looks the asset up by id alone, whoever's tenant it is
    const r = anyTenant ? await pool.query('SELECT * FROM assets WHERE id = $1', [id]) : await pool.query('SELECT * FROM assets WHERE id = $1 AND tenant_id = $2', [id, tenantId]);
    if (!r.rows[0]) throw httpError(404, 'not_found', 'asset not found for this tenant');
    return r.rows[0];
  };
  return { pool, audit, event, syncQuota, find };
}
type AssetStore = ReturnType<typeof assetStore>;

/** The reads: a tenant's asset list and one asset (audited). */
function readRoutes(ctx: ServiceContext, { pool, audit, find }: AssetStore): Record<string, RouteHandler> {
  return {
    async listAssets(req) {
      const u = userOf(req);
      const r = await pool.query('SELECT * FROM assets WHERE tenant_id = $1 ORDER BY created_at, id', [u.tenantId]);
      return { items: r.rows.map(toAsset) };
    },

    async getAsset(req, reply) {
      const u = userOf(req);
      // asset-tenant-header-trusted: an x-tenant-id header overrides the token's tenant (a gateway-era shortcut left in)
      const header = req.headers['x-tenant-id'];
      const tenantId = ctx.faults.on('asset-tenant-header-trusted') && typeof header === 'string' && header ? header : u.tenantId;
      const a = toAsset(await find((req.params as any).id, tenantId, ctx.faults.on('asset-cross-tenant-read')));
      await audit('read', a.id, req);
      // asset-huge-body: the owner's read answers the asset padded to exactly HUGE_BODY_BYTES of JSON (a hostile or broken target).
      if (ctx.faults.on('asset-huge-body')) {
        const bare = JSON.stringify({ ...a, padding: '' });
        return reply.type('application/json').send(`${bare.slice(0, -2)}${'x'.repeat(HUGE_BODY_BYTES - Buffer.byteLength(bare))}"}`);
      }
      // asset-read-off-schema: a field no flow step asserts leaves the contract (epoch millis instead of date-time).
      if (ctx.faults.on('asset-read-off-schema')) return { ...a, updatedAt: Date.parse(String(a.updatedAt)) };
      return a;
    },
  };
}

/** The writes: create, update and delete, each audited with its asset event; create and delete sync the tenant's quota. */
function writeRoutes(ctx: ServiceContext, { pool, audit, event, syncQuota, find }: AssetStore): Record<string, RouteHandler> {
  return {
    async createAsset(req, reply) {
      const u = userOf(req);
      const b = req.body as { name: string; type: string; value: string };
      const r = await pool.query('INSERT INTO assets (id, tenant_id, name, type, value) VALUES ($1, $2, $3, $4, $5) RETURNING *', [newId('ast'), u.tenantId, b.name, b.type, b.value]);
      const a = toAsset(r.rows[0]);
      await audit('create', a.id, req);
      await emit(ctx, 'cert-ix.asset.created', event(a, req.traceId), { key: a.id, omitSchemaVersion: ctx.faults.on('asset-created-no-header') });
      // asset-deleted-event-early: a deleted event for these keys is on the topic long before the delete step
      if (ctx.faults.on('asset-deleted-event-early')) await emit(ctx, 'cert-ix.asset.deleted', event(a, req.traceId), { key: a.id });
      await syncQuota(u.tenantId, req.traceId);
      return reply.code(201).send(a);
    },

    async updateAsset(req) {
      const u = userOf(req);
      const b = req.body as { name?: string; value?: string };
      const current = await find((req.params as any).id, u.tenantId);
      let row;
      if (ctx.faults.on('asset-update-lost')) {
        // answers as if saved, but nothing reaches the database
        row = { ...current, name: b.name ?? current.name, value: b.value ?? current.value, updated_at: new Date() };
      } else {
        const r = await pool.query('UPDATE assets SET name = COALESCE($3, name), value = COALESCE($4, value), updated_at = now() WHERE id = $1 AND tenant_id = $2 RETURNING *', [
          current.id, u.tenantId, b.name ?? null, b.value ?? null,
        ]);
        row = r.rows[0];
        if (!row) throw httpError(404, 'not_found', 'asset not found for this tenant');
      }
      const a = toAsset(row);
      await audit('update', a.id, req);
      await emit(ctx, 'cert-ix.asset.updated', event(a, req.traceId), { key: a.id });
      // asset-updated-duplicate-broken: a second, duplicate event of this update without its required `at` (no step awaits it).
      if (ctx.faults.on('asset-updated-duplicate-broken')) {
        const { at: _at, ...broken } = event(a, req.traceId) as Record<string, unknown>;
        await emit(ctx, 'cert-ix.asset.updated', broken, { key: a.id });
      }
      return a;
    },

    async deleteAsset(req, reply) {
      const u = userOf(req);
      const r = await pool.query('DELETE FROM assets WHERE id = $1 AND tenant_id = $2 RETURNING *', [(req.params as any).id, u.tenantId]);
      if (!r.rows[0]) throw httpError(404, 'not_found', 'asset not found for this tenant');
      const a = toAsset(r.rows[0]);
      await audit('delete', a.id, req);
      if (!ctx.faults.on('asset-deleted-event-missing') && !ctx.faults.on('asset-deleted-event-early')) await emit(ctx, 'cert-ix.asset.deleted', event(a, req.traceId), { key: a.id });
      await syncQuota(u.tenantId, req.traceId);
      return reply.code(204).send();
    },
  };
}

const mod: ServiceModule = {
  name: 'asset-management-service',
  database: 'cert_ix_assets',
  migrations: [
    `CREATE TABLE IF NOT EXISTS assets (
       id text PRIMARY KEY, tenant_id text NOT NULL, name text NOT NULL, type text NOT NULL, value text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE INDEX IF NOT EXISTS assets_tenant_idx ON assets (tenant_id)`,
    `CREATE TABLE IF NOT EXISTS asset_audit (
       id bigserial PRIMARY KEY, occurred_at timestamptz NOT NULL DEFAULT now(),
       action text NOT NULL CHECK (action IN ('create', 'read', 'update', 'delete')),
       asset_id text, tenant_id text, user_id text, trace_id text)`,
    `CREATE INDEX IF NOT EXISTS asset_audit_asset_idx ON asset_audit (asset_id)`,
  ],
  async register(app, ctx: ServiceContext) {
    const store = assetStore(ctx);
    bindRoutes(app, ctx, { ...readRoutes(ctx, store), ...writeRoutes(ctx, store) }, { authFallbackFault: 'P0-01-asset-no-jwt' });
  },
};
export default mod;
