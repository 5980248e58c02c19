// Stripe webhook test payloads, signed with the stripe package's own test-header helper (never a hand-rolled HMAC).
import type StripeClass from 'stripe';
import { randomBytes } from 'node:crypto';

let client: StripeClass | undefined;
/** The stripe package when a webhook is first signed or checked: importing it costs ~0.1 CPU-s, which the runner (it loads every spec) and the specs without webhooks need not pay. */
function stripe(): StripeClass {
  if (!client) {
    // its CommonJS build exports the class itself; an ESM-shaped one has it as default
    const m = require('stripe') as typeof StripeClass & { default?: typeof StripeClass };
    client = new (m.default ?? m)('sk_test_flowgate_unused');
  }
  return client;
}

/** Stripe's timestamp tolerance (the stripe package's default): a webhook signed longer ago than this must be refused. */
export const STRIPE_TOLERANCE_S = 300;

/**
 * How long ago the stale webhook is signed: twice the tolerance, so it is stale even to a target whose clock runs up to
 * five minutes behind ours, and fresh to none.
 */
export const STALE_WEBHOOK_AGE_S = 2 * STRIPE_TOLERANCE_S;

/** The Stripe-Signature header for a payload, as Stripe would send it, signed with `secret`. */
export function signStripeWebhook(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return stripe().webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/** Verifies a signed payload the way a Stripe webhook handler does; throws on a bad signature. */
export function verifyStripeWebhook(payload: string, header: string, secret: string) {
  return stripe().webhooks.constructEvent(payload, header, secret);
}

export interface CheckoutCompleted {
  sessionId: string;
  tenantId: string;
  userId: string;
  planId: string;
  amount: number;
  currency: string;
}

/** A checkout.session.completed event for a session the test created. */
export function checkoutCompletedEvent(c: CheckoutCompleted) {
  return {
    id: `evt_test_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: '2024-06-20',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type: 'checkout.session.completed',
    data: {
      object: {
        id: c.sessionId,
        object: 'checkout.session',
        client_reference_id: c.tenantId,
        amount_total: c.amount,
        currency: c.currency,
        payment_status: 'paid',
        status: 'complete',
        payment_intent: `pi_test_${randomBytes(12).toString('hex')}`,
        metadata: { tenantId: c.tenantId, userId: c.userId, planId: c.planId },
      },
    },
  };
}
