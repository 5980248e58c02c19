// A No-Go trigger that follows criteria: fired when any of them failed, clear only when all were decided and none failed.
import type { CriterionOutcome, RunContext, TriggerOutcome } from '../criteria/types';

export function fromCriteria(ids: readonly number[], clearText: string) {
  return (_ctx: RunContext, criteria: ReadonlyMap<number, CriterionOutcome>): TriggerOutcome => {
    const failed = ids.filter((id) => criteria.get(id)?.status === 'fail');
    if (failed.length) return { fired: true, status: 'fired', detail: failed.map((id) => `criterion ${id}: ${criteria.get(id)!.detail}`).join('; ') };
    const unrun = ids.filter((id) => criteria.get(id)?.status === 'not-run');
    if (unrun.length) return { fired: false, status: 'not-run', detail: `criteria ${unrun.join(', ')} not run` };
    // Not fired, but not ruled out by this run either while a person still has to look.
    const waiting = ids.filter((id) => criteria.get(id)?.status === 'awaiting-sign-off');
    if (waiting.length) return { fired: false, status: 'not-run', detail: `nothing found by this run; criteri${waiting.length === 1 ? 'on' : 'a'} ${waiting.join(', ')} awaiting sign-off` };
    return { fired: false, status: 'clear', detail: clearText };
  };
}
