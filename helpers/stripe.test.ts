// Unit tests of the Stripe webhook signing helper: what it signs verifies, and nothing else does.
import { test, expect } from '@playwright/test';
import { signStripeWebhook, verifyStripeWebhook, checkoutCompletedEvent } from './stripe';

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
