// Model of scan-api-service: starts scans on the engine topics and tracks their status and findings from Kafka.
import type { ServiceContext, ServiceModule } from '../types';
import { bindRoutes, httpError, userOf, type RouteHandler } from './common/app';
import { consumeTopics, db, emit, fieldsOf, iso, newId, nowIso } from './common/util';

function toScan(r: any) {
  return {
    scanId: r.id,
    assetId: r.asset_id,
    target: r.target,
    engine: r.engine,
    priority: r.priority,
    status: r.status,
    findingsCount: r.findings_count,
    createdAt: iso(r.created_at),
    completedAt: r.status === 'completed' ? iso(r.completed_at) : null,
  };
}

/** Starting a scan: checked against the engines, the priorities and the asset's owner, then dispatched on its engine topic. */
function startRoutes(ctx: ServiceContext): Record<string, RouteHandler> {
  const pool = db(ctx);
  return {
    async startScan(req, reply) {
      const u = userOf(req);
      const b = req.body as { assetId: string; target: string; engine: string; priority?: string };
      const priority = b.priority ?? 'normal';
      if (!ctx.contracts.scanEngines.includes(b.engine)) throw httpError(400, 'unknown_engine', `engine must be one of ${ctx.contracts.scanEngines.join(', ')}`);
      if (!ctx.contracts.scanPriorities.includes(priority)) throw httpError(400, 'unknown_priority', `priority must be one of ${ctx.contracts.scanPriorities.join(', ')}`);
      // An asset not yet known (its created event still on the way) is let through, so a scan started right after the
      // create does not race the event; an asset known to be another tenant's is not (scan-start-cross-tenant skips this).
      if (!ctx.faults.on('scan-start-cross-tenant')) {
        const owner = await pool.query('SELECT tenant_id FROM asset_owners WHERE asset_id = $1', [b.assetId]);
        if (owner.rows[0] && owner.rows[0].tenant_id !== u.tenantId) throw httpError(404, 'not_found', 'asset not found for this tenant');
      }
      const r = await pool.query(
        `INSERT INTO scans (id, tenant_id, asset_id, target, engine, priority, status) VALUES ($1, $2, $3, $4, $5, $6, 'queued') RETURNING *`,
        [newId('scn'), u.tenantId, b.assetId, b.target, b.engine, priority],
      );
      const s = r.rows[0];
      // scan-dispatch-wrong-priority: the engine still gets it (it reads every priority), on the wrong queue
      const dispatchPriority = ctx.faults.on('scan-dispatch-wrong-priority') ? ctx.contracts.scanPriorities.find((p) => p !== priority) ?? priority : priority;
      await emit(
        ctx,
        ctx.contracts.scanTopic(b.engine, dispatchPriority),
        { scanId: s.id, tenantId: u.tenantId, assetId: b.assetId, target: b.target, engine: b.engine, priority, requestedAt: nowIso(), traceId: req.traceId },
        { key: s.id },
      );
      return reply.code(202).send(toScan(s));
    },
  };
}

/** The reads: a tenant's scan and its findings. */
function readRoutes(ctx: ServiceContext): Record<string, RouteHandler> {
  const pool = db(ctx);
  const find = async (id: string, tenantId: string) => {
    const r = await pool.query('SELECT * FROM scans WHERE id = $1 AND tenant_id = $2', [id, tenantId]);
    if (!r.rows[0]) throw httpError(404, 'not_found', 'scan not found for this tenant');
    return r.rows[0];
  };
  return {
    async getScan(req) {
      return toScan(await find((req.params as any).id, userOf(req).tenantId));
    },

    async getScanResults(req) {
      const s = await find((req.params as any).id, userOf(req).tenantId);
      if (ctx.faults.on('scan-empty-results')) return { scanId: s.id, findings: [] };
      const r = await pool.query('SELECT finding_id, title, severity, cve FROM scan_findings WHERE scan_id = $1 ORDER BY finding_id', [s.id]);
      return { scanId: s.id, findings: r.rows.map((f) => ({ findingId: f.finding_id, title: f.title, severity: f.severity, ...(f.cve ? { cve: f.cve } : {}) })) };
    },
  };
}

/** Follows the events a scan's state comes from: asset owners, the scan lifecycle and the results. */
async function followEvents(ctx: ServiceContext): Promise<void> {
  const pool = db(ctx);
  await consumeTopics(ctx, {
    'cert-ix.asset.created': async (ev) => {
      const v = fieldsOf(ctx, ev, 'assetId', 'tenantId');
      if (!v) return;
      await pool.query('INSERT INTO asset_owners (asset_id, tenant_id) VALUES ($1, $2) ON CONFLICT (asset_id) DO NOTHING', [String(v.assetId), String(v.tenantId)]);
    },
    'cert-ix.scans.events': async (ev) => {
      const v = fieldsOf(ctx, ev, 'scanId', 'status');
      if (!v) return;
      if (v.status === 'running') {
        await pool.query(`UPDATE scans SET status = 'running' WHERE id = $1 AND status = 'queued'`, [String(v.scanId)]);
      } else if (v.status === 'completed') {
        await pool.query(
          `UPDATE scans SET completed_at = now(), findings_count = $2,
             status = CASE WHEN results_received THEN 'completed' ELSE 'running' END
           WHERE id = $1 AND status <> 'completed'`,
          [String(v.scanId), Number.isInteger(v.findingsCount) ? v.findingsCount : 0],
        );
      } else if (v.status === 'failed') {
        await pool.query(`UPDATE scans SET status = 'failed', completed_at = now() WHERE id = $1`, [String(v.scanId)]);
      }
    },
    'cert-ix.scan-results': async (ev) => {
      const v = fieldsOf(ctx, ev, 'scanId');
      if (!v) return;
      // tolerant of a results message without findings (a broken producer): the scan then has none
      const findings: any[] = Array.isArray(v.findings) ? v.findings.filter((f: any) => f && typeof f.findingId === 'string') : [];
      for (const f of findings)
        await pool.query('INSERT INTO scan_findings (scan_id, finding_id, title, severity, cve) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
          String(v.scanId), f.findingId, String(f.title ?? ''), String(f.severity ?? 'info'), f.cve ?? null,
        ]);
      await pool.query(
        `UPDATE scans SET results_received = true, status = CASE WHEN completed_at IS NOT NULL THEN 'completed' ELSE status END WHERE id = $1`,
        [String(v.scanId)],
      );
    },
  });
}

const mod: ServiceModule = {
  name: 'scan-api-service',
  database: 'cert_ix_scans',
  migrations: [
    // results_received: the completed lifecycle event and the results travel on two topics; a scan shows
    // "completed" only once both arrived, so a client that saw "completed" always finds the results.
    `CREATE TABLE IF NOT EXISTS scans (
       id text PRIMARY KEY, tenant_id text NOT NULL, asset_id text NOT NULL, target text NOT NULL, engine text NOT NULL,
       priority text NOT NULL, status text NOT NULL, findings_count int NOT NULL DEFAULT 0,
       created_at timestamptz NOT NULL DEFAULT now(), completed_at timestamptz, results_received boolean NOT NULL DEFAULT false)`,
    `CREATE TABLE IF NOT EXISTS scan_findings (
       scan_id text NOT NULL, finding_id text NOT NULL, title text NOT NULL, severity text NOT NULL, cve text,
       PRIMARY KEY (scan_id, finding_id))`,
    // who owns each asset, from asset-management's events: a scan on another tenant's asset is refused
    `CREATE TABLE IF NOT EXISTS asset_owners (asset_id text PRIMARY KEY, tenant_id text NOT NULL)`,
  ],
  async register(app, ctx) {
    bindRoutes(app, ctx, { ...startRoutes(ctx), ...readRoutes(ctx) });
    await followEvents(ctx);
  },
};
export default mod;
