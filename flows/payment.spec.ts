// Flow 4 (seed §5): plans → checkout session → signed Stripe webhook → subscription upgraded → invoice, with payment audit.
import { test, expect, login } from '../fixtures';
import { polling } from '../helpers/poll';
import { signStripeWebhook, checkoutCompletedEvent } from '../helpers/stripe';

test.describe('payment flow', () => {
  test('checkout → pay → subscription active', { tag: ['@flow-payment', '@criterion-2', '@criterion-9', '@gap-P0-04'] }, async ({ flow, api, observer, db, account, target, contract, cleanup }) => {
    const budgets = target.budgets;
    const tenantId = account.tenantId;
    let token = '';
    let plan: any;
    let session: any;
    let paymentId = '';

    await flow.step(1, 'Login → get JWT', api.describe('login'), async () => {
      ({ token } = await login(api, contract, account));
    });

    await flow.step(2, 'Get plans', api.describe('listPlans'), async () => {
      const res = await api.call('listPlans', { expect: 200 });
      plan = res.body.plans.find((p: any) => p.amount > 0);
      expect(plan, 'the catalogue offers a paid plan').toBeTruthy();
    });

    await flow.step(3, 'Create checkout session', api.describe('createCheckoutSession'), async () => {
      const res = await api.call('createCheckoutSession', { token, body: { planId: plan.id }, expect: 201 });
      session = res.body;
      cleanup.created('sessionId', session?.sessionId);
      expect(session).toMatchObject({ planId: plan.id, amount: plan.amount, status: 'open' });
      const created = await observer.waitFor('cert-ix.checkout.session.created', { sessionId: session.sessionId, tenantId });
      expect(created, 'the session event carries the plan and amount').toMatchObject({ planId: plan.id, amount: plan.amount });
    });

    await flow.step(4, 'Simulate Stripe webhook', api.describe('stripeWebhook'), async () => {
      const event = checkoutCompletedEvent({ sessionId: session.sessionId, tenantId, userId: account.userId, planId: plan.id, amount: session.amount, currency: session.currency });
      const payload = JSON.stringify(event);
      // A webhook signed with another secret must be refused before the real one is sent.
      const forged = signStripeWebhook(payload, 'whsec_flowgate_forged_secret');
      await api.call('stripeWebhook', { rawBody: payload, headers: { [contract.headers.stripeSignature]: forged }, expect: 400 });
      const res = await api.call('stripeWebhook', { rawBody: payload, headers: { [contract.headers.stripeSignature]: signStripeWebhook(payload, target.stripeWebhookSecret) }, expect: 200 });
      const paid = await observer.waitFor('cert-ix.payment.succeeded', { sessionId: session.sessionId, tenantId });
      expect(paid, 'the payment event carries the plan and amount').toMatchObject({ planId: plan.id, amount: session.amount, currency: session.currency });
      paymentId = paid.paymentId;
      cleanup.created('paymentId', paymentId);
      expect(res.body.received).toBe(true);
      await db.expectRows('payment.bySession', { sessionId: session.sessionId }, (rows) => rows.length === 1 && rows[0].tenant_id === tenantId, 'one payment row for the session');
      await db.expectRows('payment.audit', { sessionId: session.sessionId }, (rows) => rows.some((r) => r.action === 'payment.succeeded' && r.payment_id === paymentId),
        "a payment audit row 'payment.succeeded' (PCI DSS, gap P0-04)");
    });

    await flow.step(5, 'Verify subscription updated', api.describe('getCurrentSubscription'), async () => {
      const upgraded = await observer.waitFor('cert-ix.subscription.plan.upgraded', { tenantId }, undefined, { sinceStep: 4 });
      expect(upgraded, 'the upgrade event names the paid plan').toMatchObject({ planId: plan.id, tier: plan.tier });
      await expect
        .poll(async () => (await api.call('getCurrentSubscription', { token, expect: 200 })).body.tier, polling({ timeout: budgets.stepMs, message: `the subscription tier to become "${plan.tier}"` }))
        .toBe(plan.tier);
      await observer.waitFor('cert-ix.checkout.completed', { sessionId: session.sessionId, tenantId }, undefined, { sinceStep: 4 });
    });

    await flow.step(6, 'Verify invoice created', api.describe('listInvoices'), async () => {
      await expect
        .poll(async () => (await api.call('listInvoices', { token, expect: 200 })).body.items.filter((i: any) => i.paymentId === paymentId).length, polling({
          timeout: budgets.stepMs,
          message: `an invoice for payment ${paymentId}`,
        }))
        .toBe(1);
      await db.expectRows('invoice.byPayment', { paymentId }, (rows) => rows[0]?.amount === session.amount && rows[0]?.status === 'paid', 'a paid invoice row for the amount');
    });
  });
});
