// The flows a run walks and each flow's numbered steps: the one list the specs title their steps from and the catalogue counts against.
//
// A step's title is `<id>. <name> — <where>` (`5. Login — POST /api/v1/auth/login`); the id and name come from here,
// `where` from the contract route the step calls. The sub-steps (7.1, 9.1: the dashboard in Chromium before and after
// logout) are the "access dashboard" of the auth criterion, which the numbered script leaves implicit; payment's 4.1–4.3
// are what "simulate Stripe webhook" must also withstand (a replayed, a stale and an unsigned delivery).

export const FLOW_STEPS = {
  auth: [
    ['1', 'Get CSRF token'],
    ['2', 'Get CAPTCHA challenge'],
    ['3', 'Register user'],
    ['4', 'Verify email'],
    ['5', 'Login'],
    ['6', 'Verify JWT works'],
    ['7', 'Verify subscription activated'],
    ['7.1', 'Access dashboard'],
    ['8', 'Logout'],
    ['9', 'Verify token blacklisted'],
    ['9.1', 'Dashboard after logout'],
  ],
  scan: [
    ['1', 'Login → get JWT'],
    ['2', 'Create asset'],
    ['3', 'Verify ownership'],
    ['4', 'Start scan'],
    ['5', 'Poll scan status until complete'],
    ['6', 'Get scan results'],
    ['7', 'Verify vulnerability created in vuln-mgmt'],
  ],
  asset: [
    ['1', 'Login → get JWT'],
    ['2', 'Create asset'],
    ['3', 'Read asset'],
    ['4', 'Update asset'],
    ['5', 'Verify quota updated'],
    ['6', 'Delete asset'],
    ['7', 'Verify quota decremented'],
  ],
  payment: [
    ['1', 'Login → get JWT'],
    ['2', 'Get plans'],
    ['3', 'Create checkout session'],
    ['4', 'Simulate Stripe webhook'],
    ['4.1', 'Replayed webhook books nothing twice'],
    ['4.2', 'Stale webhook refused'],
    ['4.3', 'Unsigned webhook refused'],
    ['5', 'Verify subscription updated'],
    ['6', 'Verify invoice created'],
  ],
} as const;

/** One of the four end-to-end flows (a Playwright project of that name; its tests are tagged `@flow-<name>`). */
export type FlowName = keyof typeof FLOW_STEPS;
/** The four flows, in the order they are reported. */
export const FLOW_NAMES = Object.keys(FLOW_STEPS) as FlowName[];

/** The auth-bypass probes: not one of the four flows, but run and reported like one (tagged `@flow-auth-bypass`). */
export const BYPASS = 'auth-bypass';
/** A flow or the probes: what a test's `@flow-*` tag may name. */
export type TaggedFlow = FlowName | typeof BYPASS;
export const TAGGED_FLOWS: readonly TaggedFlow[] = [...FLOW_NAMES, BYPASS];

/** A step id of a flow: `'5'`, `'7.1'`. */
export type StepId<F extends FlowName> = (typeof FLOW_STEPS)[F][number][0];
type AsNumber<S> = S extends `${infer N extends number}` ? N : never;

/** One numbered step: `id` starts its title, `name` follows it. */
export interface FlowStep {
  id: string;
  name: string;
}

const table = (flow: FlowName): readonly (readonly [string, string])[] => FLOW_STEPS[flow];

/** A flow's numbered steps, in order. */
export function stepsOf(flow: FlowName): FlowStep[] {
  return table(flow).map(([id, name]) => ({ id, name }));
}

/**
 * The step lookup of one flow for its spec: `step(5)` is `['5', 'Login']`, spread into `flow.step(...step(5), where, body)`.
 * An id the flow does not have fails the typecheck.
 */
export function flowSteps<F extends FlowName>(flow: F): (id: StepId<F> | AsNumber<StepId<F>>) => readonly [StepId<F>, string] {
  return (id) => {
    const found = table(flow).find(([s]) => s === String(id));
    if (!found) throw new TypeError(`flow ${flow} has no step ${id}; its steps are ${table(flow).map(([s]) => s).join(', ')}`);
    return [found[0] as StepId<F>, found[1]];
  };
}

/** Tag of a test that belongs to a flow, e.g. `@flow-auth`. */
export const flowTag = (flow: TaggedFlow): `@flow-${TaggedFlow}` => `@flow-${flow}`;
