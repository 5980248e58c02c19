// The plan catalogue shared by plans-service (what is sold) and subscription-service (what a tier grants).
export interface PlanDef {
  id: string;
  name: string;
  tier: string;
  /** minor units (cents) */
  amount: number;
  currency: string;
  interval: 'month';
  limits: { assets: number };
}

export const PLANS: readonly PlanDef[] = Object.freeze([
  { id: 'free', name: 'Free', tier: 'free', amount: 0, currency: 'eur', interval: 'month', limits: { assets: 10 } },
  { id: 'pro', name: 'Pro', tier: 'pro', amount: 4900, currency: 'eur', interval: 'month', limits: { assets: 100 } },
  { id: 'business', name: 'Business', tier: 'business', amount: 19900, currency: 'eur', interval: 'month', limits: { assets: 1000 } },
]);

export const FREE_PLAN: PlanDef = PLANS[0];

export function planById(id: unknown): PlanDef | undefined {
  return typeof id === 'string' ? PLANS.find((p) => p.id === id) : undefined;
}

/** Plans a checkout may sell: known and not free. */
export function purchasablePlan(id: unknown): PlanDef | undefined {
  const p = planById(id);
  return p && p.amount > 0 ? p : undefined;
}
