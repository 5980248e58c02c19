// The twelve Go criteria, in order; each is one file of this folder (id, title, what decides it, its checks, its evaluate).
import c01 from './c01-p0-gaps';
import c02 from './c02-e2e-flows';
import c03 from './c03-no-hardcoded-secrets';
import c04 from './c04-tls-gateway';
import c05 from './c05-kafka-ssl';
import c06 from './c06-redis-tls';
import c07 from './c07-auth-flow';
import c08 from './c08-scan-flow';
import c09 from './c09-payment-flow';
import c10 from './c10-health';
import c11 from './c11-contracts-frozen';
import c12 from './c12-audit-logs';

export const CRITERIA = [c01, c02, c03, c04, c05, c06, c07, c08, c09, c10, c11, c12] as const;
export type CriterionId = (typeof CRITERIA)[number]['id'];
export const CRITERION_IDS: readonly CriterionId[] = CRITERIA.map((c) => c.id);

/** Tag of a test that gives evidence for a criterion, e.g. `@criterion-7`. */
export const criterionTag = (id: CriterionId): `@criterion-${CriterionId}` => `@criterion-${id}`;

export type { CatalogueCheck, CheckRef } from '../inventory';
export type { Criterion, CriterionOutcome, RunContext, Trigger, TriggerOutcome } from './types';
export { isAuditRow } from './c12-audit-logs';
