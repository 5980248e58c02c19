// Model of invoice-service: issues one invoice per successful payment and lists the tenant's invoices.
import type { ServiceModule } from '../types';
import { bindRoutes, userOf } from './common/app';
import { consumeTopics, db, fieldsOf, iso, newId } from './common/util';

const mod: ServiceModule = {
  name: 'invoice-service',
  database: 'cert_ix_invoices',
  migrations: [
    `CREATE SEQUENCE IF NOT EXISTS invoice_number_seq`,
    `CREATE TABLE IF NOT EXISTS invoices (
       id text PRIMARY KEY, number text NOT NULL UNIQUE, tenant_id text NOT NULL, payment_id text NOT NULL UNIQUE,
       amount int NOT NULL, currency text NOT NULL, status text NOT NULL, issued_at timestamptz NOT NULL DEFAULT now())`,
  ],
  async register(app, ctx) {
    const pool = db(ctx);
    bindRoutes(app, ctx, {
      async listInvoices(req) {
        const r = await pool.query('SELECT * FROM invoices WHERE tenant_id = $1 ORDER BY issued_at, id', [userOf(req).tenantId]);
        return { items: r.rows.map((i) => ({ invoiceId: i.id, number: i.number, tenantId: i.tenant_id, paymentId: i.payment_id, amount: i.amount, currency: i.currency, status: i.status, issuedAt: iso(i.issued_at) })) };
      },
    });
    await consumeTopics(ctx, {
      'cert-ix.payment.succeeded': async (ev) => {
        if (ctx.faults.on('payment-invoice-never-created')) return;
        const v = fieldsOf(ctx, ev, 'paymentId', 'tenantId', 'currency');
        if (!v) return;
        // tolerant reader: an amount sent as a numeric string still bills the right sum
        const amount = Number(v.amount);
        if (!Number.isInteger(amount) || amount < 0) return ctx.log(`invoice-service: payment ${v.paymentId} without a usable amount ignored`);
        await pool.query(
          `INSERT INTO invoices (id, number, tenant_id, payment_id, amount, currency, status)
           VALUES ($1, 'INV-' || to_char(now(), 'YYYY') || '-' || lpad(nextval('invoice_number_seq')::text, 6, '0'), $2, $3, $4, $5, 'paid')
           ON CONFLICT (payment_id) DO NOTHING`,
          [newId('inv'), String(v.tenantId), String(v.paymentId), amount, String(v.currency)],
        );
      },
    });
  },
};
export default mod;
