// No-Go trigger: any end-to-end flow failing (or passing only on a retry that is not allowed).
import { FLOW_NAMES } from '../../../contracts/flows';
import { defineTrigger, type RunContext, type TriggerOutcome } from '../criteria/types';
import { describeFlow } from '../run';
import { failingOrFlaky } from './status';

function evaluate(ctx: RunContext): TriggerOutcome {
  const e2e = FLOW_NAMES.map(ctx.flow);
  const failing = e2e.filter((f) => failingOrFlaky(f, ctx.run.allowFlaky));
  const unrun = e2e.filter((f) => f.status === 'not-run' || f.status === 'skipped');
  if (failing.length) return { fired: true, status: 'fired', detail: failing.map((f) => describeFlow(f, ctx.run.allowFlaky)).join('; ') };
  if (unrun.length) return { fired: false, status: 'not-run', detail: `no failure seen, but ${unrun.map((f) => f.name).join(', ')} did not run` };
  return { fired: false, status: 'clear', detail: 'all four flows passed' };
}

export default defineTrigger({ id: 'flow-failing', title: 'Any E2E flow smoke test failing', evaluate });
