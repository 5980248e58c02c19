// The No-Go triggers, in the order the verdict reports them; each is one file of this folder.
import p0Gap from './p0-gap-not-remediated';
import flowFailing from './flow-failing';
import hardcodedSecret from './hardcoded-secret';
import tls from './tls-not-enforced';
import authBypass from './auth-bypass';
import paymentBroken from './payment-broken';

export const TRIGGERS = [p0Gap, flowFailing, hardcodedSecret, tls, authBypass, paymentBroken] as const;
export type TriggerId = (typeof TRIGGERS)[number]['id'];

/** Tag of a test that feeds a trigger directly, e.g. `@trigger-auth-bypass`. */
export const triggerTag = (id: TriggerId): `@trigger-${TriggerId}` => `@trigger-${id}`;
