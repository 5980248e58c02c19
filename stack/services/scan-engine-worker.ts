// Model of the go-tools scan engines: consumes scan requests, produces deterministic findings and lifecycle events, writes the scan audit trail.
import { createHash } from 'node:crypto';
import type { ServiceModule } from '../types';
import { bindRoutes } from './common/app';
import { consumeTopics, db, emit, fieldsOf, nowIso } from './common/util';

export interface Finding {
  findingId: string;
  title: string;
  severity: 'info' | 'low' | 'medium' | 'high' | 'critical';
  cve?: string;
}

/** The same target always yields the same two findings, so tests can assert on them. */
export function findingsFor(target: string, engine: string): Finding[] {
  const h = createHash('sha256').update(`${engine}:${target}`).digest('hex').slice(0, 12);
  return [
    { findingId: `fnd_${h}_tls`, title: `Weak TLS configuration on ${target}`, severity: 'medium' },
    { findingId: `fnd_${h}_ssh`, title: `OpenSSH prefix truncation (Terrapin) on ${target}`, severity: 'high', cve: 'CVE-2023-48795' },
  ];
}

const mod: ServiceModule = {
  name: 'scan-engine-worker',
  database: 'cert_ix_tools_service',
  migrations: [
    `CREATE TABLE IF NOT EXISTS scan_audit (
       id bigserial PRIMARY KEY, scan_id text NOT NULL, tenant_id text, engine text,
       action text NOT NULL CHECK (action IN ('received', 'started', 'completed')), occurred_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE INDEX IF NOT EXISTS scan_audit_scan_idx ON scan_audit (scan_id)`,
  ],
  async register(app, ctx) {
    const pool = db(ctx);
    bindRoutes(app, ctx, {});
    const audit = async (action: 'received' | 'started' | 'completed', scanId: string, tenantId: string, engine: string) => {
      if (ctx.faults.on('P0-09-scan-no-audit')) return;
      await pool.query('INSERT INTO scan_audit (scan_id, tenant_id, engine, action) VALUES ($1, $2, $3, $4)', [scanId, tenantId, engine, action]);
    };
    const alt = (xs: string[]) => xs.map((x) => x.replace(/[^a-z0-9-]/g, '')).join('|');
    // only the engine topics: cert-ix.scans.events must not match
    const engineTopics = new RegExp(`^cert-ix\\.scans\\.(${alt(ctx.contracts.scanEngines)})\\.(${alt(ctx.contracts.scanPriorities)})$`);

    await consumeTopics(ctx, {}, [
      [
        engineTopics,
        async (ev) => {
          const v = fieldsOf(ctx, ev, 'scanId', 'tenantId', 'assetId', 'target', 'engine');
          if (!v) return;
          const [scanId, tenantId, assetId, target, engine] = [v.scanId, v.tenantId, v.assetId, v.target, v.engine].map(String);
          await audit('received', scanId, tenantId, engine);
          await emit(ctx, 'cert-ix.scans.events', { scanId, tenantId, status: 'running', at: nowIso() }, { key: scanId });
          await audit('started', scanId, tenantId, engine);
          if (ctx.faults.on('scan-never-completes')) return;
          const findings = findingsFor(target, engine);
          const results: Record<string, unknown> = { scanId, tenantId, assetId, engine, findings, completedAt: nowIso() };
          if (ctx.faults.on('scan-results-contract-broken')) delete results.findings;
          await emit(ctx, 'cert-ix.scan-results', results, { key: scanId });
          await emit(ctx, 'cert-ix.scans.events', { scanId, tenantId, status: 'completed', findingsCount: findings.length, at: nowIso() }, { key: scanId });
          await audit('completed', scanId, tenantId, engine);
        },
      ],
    ]);
  },
};
export default mod;
