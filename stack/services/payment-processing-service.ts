// Model of payment-processing-service: the Stripe webhook (signature-verified, idempotent), payment audit and payment events.
import Stripe from 'stripe';
import type { ServiceContext, ServiceModule } from '../types';
import { bindRoutes, httpError, userOf, type RouteHandler } from './common/app';
import { db, emit, iso, newId } from './common/util';

/** Not a channel of asyncapi.yaml: only the fault payment-refunded-no-header produces to it. */
export const REFUNDED_TOPIC = 'cert-ix.payment.refunded';

/** Stripe's default timestamp tolerance: a signed webhook older than this is refused (a captured delivery replayed later). */
export const STRIPE_TOLERANCE_S = 300;

type AuditAction = 'webhook.received' | 'payment.succeeded';
type Audit = (action: AuditAction, a: { paymentId?: string | null; sessionId?: string | null; tenantId?: string | null; eventId: string; traceId: string }) => Promise<void>;
/** Books a Stripe event, answering what the webhook answers. */
type Book = (event: any, traceId: string) => Promise<{ received: true; paymentId?: string }>;

/** The payment audit trail (none at all under P0-04-payment-no-audit). */
function paymentAudit(ctx: ServiceContext): Audit {
  const pool = db(ctx);
  return async (action, a) => {
    if (ctx.faults.on('P0-04-payment-no-audit')) return;
    await pool.query('INSERT INTO payment_audit (action, payment_id, session_id, tenant_id, stripe_event_id, trace_id) VALUES ($1, $2, $3, $4, $5, $6)', [
      action, a.paymentId ?? null, a.sessionId ?? null, a.tenantId ?? null, a.eventId, a.traceId,
    ]);
  };
}

/** The checkout a checkout.session.completed event pays for; a 400 when a field the booking needs is missing. */
function checkoutOf(event: any) {
  const o = event.data?.object ?? {};
  const md = o.metadata ?? {};
  const tenantId = md.tenantId ?? o.client_reference_id;
  const sessionId = o.id;
  const amount = o.amount_total;
  if (typeof sessionId !== 'string' || typeof tenantId !== 'string' || typeof md.planId !== 'string' || !Number.isInteger(amount) || typeof o.currency !== 'string')
    throw httpError(400, 'bad_request', 'checkout.session.completed lacks id, tenant, metadata.planId, amount_total or currency');
  return { sessionId: sessionId as string, tenantId: tenantId as string, planId: md.planId as string, userId: typeof md.userId === 'string' ? (md.userId as string) : null, amount: amount as number, currency: o.currency as string };
}

/** Books a checkout.session.completed event once per Stripe event id (a redelivery neither pays twice nor produces twice). */
function paymentBooker(ctx: ServiceContext, audit: Audit): Book {
  const pool = db(ctx);
  const refunded = refundedFault(ctx);
  return async (event, traceId) => {
    if (!event || typeof event.id !== 'string' || typeof event.type !== 'string') throw httpError(400, 'bad_request', 'not a Stripe event');
    if (event.type !== 'checkout.session.completed') {
      await audit('webhook.received', { eventId: event.id, traceId });
      return { received: true };
    }
    const { sessionId, tenantId, planId, userId, amount, currency } = checkoutOf(event);
    await audit('webhook.received', { sessionId, tenantId, eventId: event.id, traceId });

    // payment-webhook-replay-double-booked: idempotent per delivery instead of per event, so a replay books again
    const key = ctx.faults.on('payment-webhook-replay-double-booked') ? `${event.id}#${newId('dlv')}` : event.id;
    const ins = await pool.query(
      `INSERT INTO payments (id, stripe_event_id, session_id, tenant_id, user_id, plan_id, amount, currency, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'succeeded')
       ON CONFLICT (stripe_event_id) DO NOTHING RETURNING *`,
      [newId('pay'), key, sessionId, tenantId, userId, planId, amount, currency],
    );
    if (!ins.rows[0]) {
      const prev = await pool.query<{ id: string }>('SELECT id FROM payments WHERE stripe_event_id = $1', [event.id]);
      return { received: true, paymentId: prev.rows[0]?.id };
    }
    const p = ins.rows[0];
    await audit('payment.succeeded', { paymentId: p.id, sessionId, tenantId, eventId: event.id, traceId });
    await emit(
      ctx,
      'cert-ix.payment.succeeded',
      {
        paymentId: p.id,
        stripeEventId: event.id,
        sessionId,
        tenantId,
        userId: p.user_id ?? 'unknown',
        planId: p.plan_id,
        amount: ctx.faults.on('payment-event-bad-schema') ? String(p.amount) : p.amount,
        currency: p.currency,
        paidAt: iso(p.paid_at),
      },
      { key: tenantId },
    );
    await refunded(p.id, event.id, tenantId);
    return { received: true, paymentId: p.id };
  };
}

/**
 * payment-refunded-no-header: a topic of the frozen cert-ix.payment.* family that no channel names yet, created on
 * first use (as a new producer would), without the schema-version header; keyed by payment and tenant, not by the
 * checkout session (so the payment flow's one-event-per-session count is not what catches it). Nothing without the fault.
 */
function refundedFault(ctx: ServiceContext): (paymentId: string, eventId: string, tenantId: string) => Promise<void> {
  let refundTopic: Promise<void> | undefined;
  return async (paymentId, eventId, tenantId) => {
    if (!ctx.faults.on('payment-refunded-no-header')) return;
    await (refundTopic ??= ctx.bus.createTopic(REFUNDED_TOPIC).catch((err) => {
      refundTopic = undefined;
      throw err;
    }));
    await ctx.bus.produce(REFUNDED_TOPIC, { paymentId, stripeEventId: eventId, tenantId, amount: 0, refundedAt: new Date().toISOString() }, { key: tenantId, omitSchemaVersion: true });
  };
}

/** The Stripe webhook: the signature verified (unless a fault skips it), then the event booked. */
function webhookRoutes(ctx: ServiceContext, book: Book): Record<string, RouteHandler> {
  // only the webhook helper is used: no call ever leaves for Stripe's API
  const stripe = new Stripe('sk_test_x');
  /** The Stripe event a signed delivery carries; a 400 when the signature is missing, does not verify or is too old. */
  const verified = (raw: string, sig: unknown) => {
    if (typeof sig !== 'string' || !sig) throw httpError(400, 'invalid_signature', 'missing stripe-signature header');
    try {
      // payment-webhook-stale-accepted: tolerance 0 is the stripe package's "skip the timestamp check"
      return stripe.webhooks.constructEvent(raw, sig, ctx.secrets.stripeWebhookSecret, ctx.faults.on('payment-webhook-stale-accepted') ? 0 : STRIPE_TOLERANCE_S);
    } catch (e: any) {
      throw httpError(400, 'invalid_signature', `Stripe signature does not verify: ${e?.message ?? e}`);
    }
  };
  return {
    async stripeWebhook(req) {
      const sig = req.headers[ctx.contracts.headers.stripeSignature];
      // the faults: the signature is never checked, or not when the header is missing
      if (ctx.faults.on('payment-webhook-bad-signature-accepted')) return book(req.body, req.traceId);
      if ((typeof sig !== 'string' || !sig) && ctx.faults.on('payment-webhook-unsigned-accepted')) return book(req.body, req.traceId);
      let event: any;
      try {
        event = verified(req.rawBody ?? '', sig);
      } catch (refused) {
        // payment-webhook-refused-but-booked: the payment is booked before the verification that refuses it
        if (ctx.faults.on('payment-webhook-refused-but-booked')) await book(req.body, req.traceId).catch(() => undefined);
        throw refused;
      }
      return book(event, req.traceId);
    },
  };
}

/** The reads: a tenant's payments. */
function readRoutes(ctx: ServiceContext): Record<string, RouteHandler> {
  const pool = db(ctx);
  return {
    async listPayments(req) {
      const r = await pool.query('SELECT * FROM payments WHERE tenant_id = $1 ORDER BY paid_at, id', [userOf(req).tenantId]);
      return { items: r.rows.map((p) => ({ paymentId: p.id, sessionId: p.session_id, amount: p.amount, currency: p.currency, status: p.status, paidAt: iso(p.paid_at) })) };
    },
  };
}

const mod: ServiceModule = {
  name: 'payment-processing-service',
  database: 'cert_ix_payments',
  migrations: [
    `CREATE TABLE IF NOT EXISTS payments (
       id text PRIMARY KEY, stripe_event_id text NOT NULL UNIQUE, session_id text, tenant_id text NOT NULL, user_id text, plan_id text,
       amount int NOT NULL, currency text NOT NULL, status text NOT NULL, paid_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE INDEX IF NOT EXISTS payments_tenant_idx ON payments (tenant_id)`,
    `CREATE TABLE IF NOT EXISTS payment_audit (
       id bigserial PRIMARY KEY, occurred_at timestamptz NOT NULL DEFAULT now(),
       action text NOT NULL CHECK (action IN ('webhook.received', 'payment.succeeded')),
       payment_id text, session_id text, tenant_id text, stripe_event_id text, trace_id text)`,
  ],
  async register(app, ctx) {
    bindRoutes(app, ctx, { ...webhookRoutes(ctx, paymentBooker(ctx, paymentAudit(ctx))), ...readRoutes(ctx) });
  },
};
export default mod;
