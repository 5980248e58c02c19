// How a flow's status counts for a trigger: a failure, or a flaky pass when flaky passes are not allowed, is a failure.
import type { FlowResult } from '../run';

export const failingOrFlaky = (f: FlowResult, allowFlaky: boolean) => f.status === 'failed' || (f.status === 'flaky' && !allowFlaky);
export const passedOrAllowed = (f: FlowResult, allowFlaky: boolean) => f.status === 'passed' || (f.status === 'flaky' && allowFlaky);
