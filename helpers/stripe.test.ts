// Unit tests of the Stripe webhook signing helper: what it signs verifies, and nothing else does.
import { test, expect } from '@playwright/test';
import Stripe from 'stripe';
import { signStripeWebhook, verifyStripeWebhook, checkoutCompletedEvent, STALE_WEBHOOK_AGE_S, STRIPE_TOLERANCE_S } from './stripe';

const secret = 'whsec_unit_test_secret';
const payload = JSON.stringify(checkoutCompletedEvent({ sessionId: 'cs_test_1', tenantId: 't1', userId: 'u1', planId: 'pro', amount: 4900, currency: 'eur' }));

test('a payload signed with the secret verifies as Stripe verifies it', () => {
  const event = verifyStripeWebhook(payload, signStripeWebhook(payload, secret), secret);
  expect(event.type).toBe('checkout.session.completed');
  expect((event.data.object as any).metadata.planId).toBe('pro');
});

test('another secret, a changed byte, or a stale timestamp does not verify', () => {
  expect(() => verifyStripeWebhook(payload, signStripeWebhook(payload, 'whsec_other'), secret)).toThrow(/signature/i);
  expect(() => verifyStripeWebhook(payload.replace('4900', '4901'), signStripeWebhook(payload, secret), secret)).toThrow(/signature/i);
  expect(() => verifyStripeWebhook(payload, signStripeWebhook(payload, secret, Math.floor(Date.now() / 1000) - 3600), secret)).toThrow(/tolerance/i);
});

test("the stale webhook the payment flow sends is past Stripe's tolerance, which is the stripe package's default", () => {
  const now = Math.floor(Date.now() / 1000);
  expect(STRIPE_TOLERANCE_S).toBe((new Stripe('sk_test_x').webhooks as any).DEFAULT_TOLERANCE);
  expect(() => verifyStripeWebhook(payload, signStripeWebhook(payload, secret, now - STALE_WEBHOOK_AGE_S), secret)).toThrow(/tolerance/i);
  // still stale to a target whose clock is five minutes behind ours
  expect(() => new Stripe('sk_test_x').webhooks.constructEvent(payload, signStripeWebhook(payload, secret, now - STALE_WEBHOOK_AGE_S), secret, STRIPE_TOLERANCE_S, undefined, (now - STRIPE_TOLERANCE_S + 1) * 1000)).toThrow(/tolerance/i);
  // and a fresh one (signed now) is not, so only the age makes the difference
  expect(verifyStripeWebhook(payload, signStripeWebhook(payload, secret, now), secret).id).toBe(JSON.parse(payload).id);
});

test('a replayed event is the same event: the same id and bytes, signed again as Stripe signs each delivery', () => {
  const first = signStripeWebhook(payload, secret, Math.floor(Date.now() / 1000) - 5);
  const again = signStripeWebhook(payload, secret);
  expect(again).not.toBe(first);
  expect(verifyStripeWebhook(payload, again, secret).id).toBe(verifyStripeWebhook(payload, first, secret).id);
});
