// No-Go trigger: the payment flow broken (the Stripe integration).
import { defineTrigger, type RunContext, type TriggerOutcome } from '../criteria/types';
import { describeFlow } from '../run';
import { failingOrFlaky } from './status';

function evaluate(ctx: RunContext): TriggerOutcome {
  const pay = ctx.flow('payment');
  const fired = failingOrFlaky(pay, ctx.run.allowFlaky);
  return { fired, status: fired ? 'fired' : pay.status === 'passed' || pay.status === 'flaky' ? 'clear' : 'not-run', detail: describeFlow(pay, ctx.run.allowFlaky) };
}

export default defineTrigger({ id: 'payment-broken', title: 'Payment flow broken (Stripe integration)', evaluate });
