// The platform's P0 gaps: each one's id, the service it is in and what is wrong; criterion 1 has one row per gap, and faults and tags name them by id.
//
// How a run sees each gap (which checks show it, which failure shows it open) is the verdict's (helpers/verdict/gaps.ts),
// keyed by `GapId`, so a gap added here without saying how it is seen fails the typecheck.

export const P0_GAPS = [
  { gap: 'P0-01', service: 'asset-management-service', issue: 'JWT middleware has an unsafe fallback' },
  { gap: 'P0-02', service: 'asset-management-service', issue: 'audit rows without the request trace id' },
  { gap: 'P0-03', service: 'checkout-orchestration-service', issue: 'checkout routes without JWT validation' },
  { gap: 'P0-04', service: 'payment-processing-service', issue: 'no audit logging for payment operations' },
  { gap: 'P0-05', service: 'email-service', issue: 'no HTTP auth (internal service)' },
  { gap: 'P0-06', service: 'admin-backend', issue: 'DB_SSL defaults to false' },
  { gap: 'P0-07', service: 'all Go services', issue: 'secrets from env vars: verify none hardcoded in compose or committed .env' },
  { gap: 'P0-08', service: 'all services', issue: 'no centralized health dashboard or alerting' },
  { gap: 'P0-09', service: 'scan-worker-service', issue: 'no audit logging of scan execution' },
  { gap: 'P0-10', service: 'qr-auth-service', issue: 'CSRF_ENCRYPTION_KEY falls back to an ephemeral key' },
] as const;

/** A P0 gap's id, e.g. `P0-04`. */
export type GapId = (typeof P0_GAPS)[number]['gap'];
export const GAP_IDS: readonly GapId[] = P0_GAPS.map((g) => g.gap);

/** Tag of a test whose outcome shows a gap open or remediated, e.g. `@gap-P0-09`. */
export const gapTag = (gap: GapId): `@gap-${GapId}` => `@gap-${gap}`;
