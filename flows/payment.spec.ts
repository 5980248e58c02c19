// Flow 4: plans → checkout session → signed Stripe webhook (a replay books nothing twice; stale and unsigned ones are refused) → subscription upgraded → invoice, with payment audit.
import { test, expect, login } from '../fixtures';
import { polling } from '../helpers/poll';
import { signStripeWebhook, checkoutCompletedEvent, STALE_WEBHOOK_AGE_S } from '../helpers/stripe';
import { flowSteps, flowTag } from '../contracts/flows';
import { gapTag } from '../contracts/p0-gaps';
import { criterionTag } from '../helpers/verdict/criteria';

const step = flowSteps('payment');

test.describe('payment flow', () => {
  test('checkout → pay → subscription active', { tag: [flowTag('payment'), criterionTag(2), criterionTag(9), gapTag('P0-04')] }, async ({ flow, api, observer, db, account, target, contract, cleanup }) => {
    const budgets = target.budgets;
    const tenantId = account.tenantId;
    let token = '';
    let plan: any;
    let session: any;
    let paymentId = '';
    let payload = '';
    let decoy: any;

    /**
     * What the webhooks booked for a session: its payment rows, and every cert-ix.payment.* event naming it since a step
     * began, read once the observer has everything the broker holds.
     */
    const booked = async (sessionId: string, sinceStep: number | string) => {
      const events = await observer.allSeen('cert-ix.payment.*', { sessionId }, { sinceStep });
      const rows = await db.expectRows('payment.bySession', { sessionId }, () => true, 'the payment rows as they are');
      return { payments: rows.length, events: events.map((e) => `${e.topic} ${e.payload.paymentId ?? '(no paymentId)'}`) };
    };
    const completed = (sessionId: string) => JSON.stringify(checkoutCompletedEvent({ sessionId, tenantId, userId: account.userId, planId: plan.id, amount: session.amount, currency: session.currency }));

    await flow.step(...step(1), api.describe('login'), async () => {
      ({ token } = await login(api, contract, account));
    });

    await flow.step(...step(2), api.describe('listPlans'), async () => {
      const res = await api.call('listPlans', { expect: 200 });
      plan = res.body.plans.find((p: any) => p.amount > 0);
      expect(plan, 'the catalogue offers a paid plan').toBeTruthy();
    });

    await flow.step(...step(3), api.describe('createCheckoutSession'), async () => {
      const res = await api.call('createCheckoutSession', { token, body: { planId: plan.id }, expect: 201 });
      session = res.body;
      cleanup.created('sessionId', session?.sessionId);
      expect(session).toMatchObject({ planId: plan.id, amount: plan.amount, status: 'open' });
      const created = await observer.waitFor('cert-ix.checkout.session.created', { sessionId: session.sessionId, tenantId });
      expect(created, 'the session event carries the plan and amount').toMatchObject({ planId: plan.id, amount: plan.amount });
    });

    await flow.step(...step(4), api.describe('stripeWebhook'), async () => {
      payload = completed(session.sessionId);
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

    await flow.step(...step('4.1'), api.describe('stripeWebhook'), async () => {
      // Stripe redelivers an event it got no 2xx for: the same id and body, signed again. It wants a 2xx, and one payment.
      const res = await api.call('stripeWebhook', { rawBody: payload, headers: { [contract.headers.stripeSignature]: signStripeWebhook(payload, target.stripeWebhookSecret) }, expect: 200 });
      expect(await booked(session.sessionId, 4), 'after the replay, still one payment row and one cert-ix.payment.* event for the session').toEqual({
        payments: 1,
        events: [`cert-ix.payment.succeeded ${paymentId}`],
      });
      if (res.body.paymentId !== undefined) expect(res.body.paymentId, 'the replay is answered with the first payment').toBe(paymentId);
    });

    await flow.step(...step('4.2'), api.describe('stripeWebhook'), async () => {
      // A second checkout session of the tenant, never paid: anything a refused webhook for it books shows plainly.
      decoy = (await api.call('createCheckoutSession', { token, body: { planId: plan.id }, expect: 201 })).body;
      const stale = completed(decoy.sessionId);
      // Correctly signed, but STALE_WEBHOOK_AGE_S ago: past Stripe's 300 s tolerance, as a captured delivery replayed later is.
      const signature = signStripeWebhook(stale, target.stripeWebhookSecret, Math.floor(Date.now() / 1000) - STALE_WEBHOOK_AGE_S);
      await api.call('stripeWebhook', { rawBody: stale, headers: { [contract.headers.stripeSignature]: signature }, expect: 400 });
      expect(await booked(decoy.sessionId, '4.2'), 'the stale webhook booked nothing').toEqual({ payments: 0, events: [] });
    });

    await flow.step(...step('4.3'), api.describe('stripeWebhook'), async () => {
      await api.call('stripeWebhook', { rawBody: completed(decoy.sessionId), expect: 400 });
      expect(await booked(decoy.sessionId, '4.2'), 'the unsigned webhook booked nothing').toEqual({ payments: 0, events: [] });
    });

    await flow.step(...step(5), api.describe('getCurrentSubscription'), async () => {
      const upgraded = await observer.waitFor('cert-ix.subscription.plan.upgraded', { tenantId }, undefined, { sinceStep: 4 });
      expect(upgraded, 'the upgrade event names the paid plan').toMatchObject({ planId: plan.id, tier: plan.tier });
      await expect
        .poll(async () => (await api.call('getCurrentSubscription', { token, expect: 200 })).body.tier, polling({ timeout: budgets.stepMs, message: `the subscription tier to become "${plan.tier}"` }))
        .toBe(plan.tier);
      await observer.waitFor('cert-ix.checkout.completed', { sessionId: session.sessionId, tenantId }, undefined, { sinceStep: 4 });
    });

    await flow.step(...step(6), api.describe('listInvoices'), async () => {
      // The tenant is this test's own: its one payment, and so its one invoice (a replay booked twice would show here too).
      await expect
        .poll(async () => (await api.call('listInvoices', { token, expect: 200 })).body.items.map((i: any) => i.paymentId), polling({
          timeout: budgets.stepMs,
          message: `the tenant's one invoice, for payment ${paymentId}`,
        }))
        .toEqual([paymentId]);
      await db.expectRows('invoice.byPayment', { paymentId }, (rows) => rows[0]?.amount === session.amount && rows[0]?.status === 'paid', 'a paid invoice row for the amount');
    });
  });
});
