// The fault matrix's rows: one per fault of the embedded stack (keyed by FaultName, so a fault without a row fails the typecheck), and which rows may share a run.
import { faultInfo, LATENCY_PREFIX, type FaultName, type FaultSetting } from '../../stack/faults';
import type { Category } from '../../helpers/errors';
import type { ProjectName } from '../../helpers/verdict/catalogue';
import { parseConventionalPorts, type ConventionalPorts } from '../../helpers/transport';

/** What a row expects of the verdict: the criterion that must fail, or the trigger that must fire. */
export type Expects =
  | { criterion: number; trigger?: string; says?: string }
  | { trigger: 'auth-bypass'; route: string }
  | { trigger: 'p0-gap-not-remediated'; gap: string; says?: string }
  // a 5xx to a probe: nothing was served, so the trigger does not fire, but it stays not-run ("bypass not ruled out")
  | { trigger: 'auth-bypass'; notRuledOut: string };

export interface Row {
  fault: FaultSetting;
  /** the Playwright project the fault breaks (preflight runs before it) */
  project: ProjectName;
  expects: Expects;
  /** the failing step's title starts with this; undefined when no flow fails (the criterion fails from evidence) */
  step?: string;
  category?: Category;
  /** the failing test's project when it is not a flow (source) */
  failing?: 'source';
  /** transport rows: the endpoint the verdict must name (tls-not-enforced / the finding), from the stack's env */
  names?: (env: Record<string, string>) => string;
  /** a fault that takes effect only at start: the row starts its own stack with it */
  atStart?: boolean;
  /** the failing step's error contains this */
  error?: string;
  /** the run (the row's batch) ended within this many seconds: a verdict in bounded time, not a hang */
  withinSeconds?: number;
  /** the failing step itself ended within this many ms (it failed on what came, not by waiting out a budget) */
  stepWithinMs?: number;
}

/** A row as the matrix writes it: its project, start-only flag and P0 gap are the fault's (FAULT_INFO). */
type RowSpec = Omit<Row, 'fault' | 'project' | 'atStart' | 'expects'> & { expects: Exclude<Expects, { gap: string }> | { trigger: 'p0-gap-not-remediated'; says?: string } };
/** A fault checked by a harness test of its own: the file that names it. */
interface TestedElsewhere {
  elsewhere: string;
}

/** The full row of a fault: the spec with what the fault's definition says. */
function rowOf(fault: FaultName, spec: RowSpec): Row {
  const info = faultInfo(fault);
  const e = spec.expects;
  if ('trigger' in e && e.trigger === 'p0-gap-not-remediated' && !info.gap) throw new Error(`fault matrix: ${fault} expects a P0 gap, but FAULT_INFO gives it none`);
  const expects = ('trigger' in e && e.trigger === 'p0-gap-not-remediated' ? { ...e, gap: info.gap! } : e) as Expects;
  return { ...spec, fault, project: info.project, expects, ...(info.atStart ? { atStart: true } : {}) };
}

const c = (n: number, more: { trigger?: string; says?: string } = {}) => ({ criterion: n, ...more });
const hostPort = (url: string) => new URL(url).host;
/** 127.0.0.1:<the stack's reserved port for a conventional role> (FLOWGATE_CONVENTIONAL_PORTS) */
const conventional = (role: keyof ConventionalPorts) => (e: Record<string, string>) => `127.0.0.1:${parseConventionalPorts(e.FLOWGATE_CONVENTIONAL_PORTS ?? '')[role][0]}`;
const bypass = (route: string) => ({ trigger: 'auth-bypass' as const, route });

/**
 * The matrix: one row per fault, keyed by its name, so a fault without a row (or a row without a fault) fails the
 * typecheck. The project a row runs, whether it starts its own stack, and the gap it reproduces come from the fault's
 * definition (stack/faults.ts FAULT_INFO); a fault checked by a harness test of its own names that file instead.
 */
const ROWS: Record<FaultName, RowSpec | TestedElsewhere> = {
  'P0-01-asset-no-jwt': { expects: bypass('POST /api/v1/assets'), step: 'F. No protected route serves a bad token', category: 'auth bypass' },
  'auth-alg-none-accepted': { expects: bypass('POST /api/v1/assets accepted alg-none token'), step: 'F. No protected route serves a bad token', category: 'auth bypass' },
  'asset-cross-tenant-read': { expects: bypass('GET /api/v1/assets/{id} accepted cross-tenant token'), step: "F. No tenant reads, changes or deletes another tenant's data", category: 'auth bypass' },
  'scan-unauthenticated-500': { expects: { trigger: 'auth-bypass', notRuledOut: 'GET /api/v1/scans/{id} (scan-api-service) answered 500 to a none token' }, step: 'F. No protected route serves a bad token', category: 'auth probe error' },
  // A served bypass fires the trigger whatever its body: an off-schema 200 to a refused token is not a contract violation.
  'asset-bypass-off-schema': { expects: bypass('GET /api/v1/assets/{id} accepted none'), step: 'F. No protected route serves a bad token', category: 'auth bypass' },
  'vuln-cross-tenant-list': { expects: bypass('GET /api/v1/vulnerabilities accepted cross-tenant token'), step: "F. No tenant reads, changes or deletes another tenant's data", category: 'auth bypass' },
  'scan-start-cross-tenant': { expects: bypass('POST /api/v1/scans accepted cross-tenant token'), step: "F. No tenant reads, changes or deletes another tenant's data", category: 'auth bypass' },
  'ownership-proof-cross-tenant': { expects: bypass('POST /api/v1/verification/proofs accepted cross-tenant token'), step: "F. No tenant reads, changes or deletes another tenant's data", category: 'auth bypass' },
  'asset-tenant-header-trusted': { expects: bypass('GET /api/v1/assets/{id} accepted cross-tenant token'), step: "F. No tenant reads, changes or deletes another tenant's data", category: 'auth bypass' },
  // The target signs ES256 and no key file is given: the probe reads the key from the JWKS by the login token's kid.
  'auth-alg-confusion-accepted': { expects: bypass('POST /api/v1/assets accepted alg-confusion'), step: 'F. No protected route serves a bad token', category: 'auth bypass' },
  'P0-02-asset-audit-no-trace': { expects: c(2), step: '2. Create asset', category: 'database state' },
  'P0-03-checkout-no-jwt': { expects: bypass('POST /api/v1/checkout/sessions'), step: 'F. No protected route serves a bad token', category: 'auth bypass' },
  'P0-04-payment-no-audit': { expects: c(9), step: '4. Simulate Stripe webhook', category: 'database state' },
  'P0-09-scan-no-audit': { expects: c(8), step: '4. Start scan', category: 'database state' },
  'auth-csrf-unavailable': { expects: c(7), step: '1. Get CSRF token', category: 'unexpected response' },
  'auth-verify-no-activate': { expects: c(7), step: '4. Verify email', category: 'database state' },
  'auth-free-plan-never-activated': { expects: c(7), step: '7. Verify subscription activated', category: 'event not observed' },
  'auth-logout-no-blacklist': { expects: c(7), step: '8. Logout', category: 'database state' },
  'auth-login-audit-missing': { expects: c(12), step: '5. Login', category: 'database state' },
  'auth-logout-audit-missing': { expects: c(12), step: '8. Logout', category: 'database state' },
  'auth-registered-no-header': { expects: c(7), step: '3. Register user', category: 'contract violation' },
  'auth-dashboard-stale-session': { expects: c(7), step: '9.1. Dashboard after logout', category: 'assertion failed' },
  'auth-login-contract-broken': { expects: c(7), step: '5. Login', category: 'contract violation' },
  'scan-ownership-rejected': { expects: c(8), step: '3. Verify ownership', category: 'assertion failed' },
  'scan-never-completes': { expects: c(8), step: '5. Poll scan status', category: 'event not observed' },
  'scan-empty-results': { expects: c(8), step: '6. Get scan results', category: 'assertion failed' },
  'scan-results-contract-broken': { expects: c(8), step: '6. Get scan results', category: 'contract violation' },
  'scan-vuln-never-synced': { expects: c(8), step: '7. Verify vulnerability', category: 'budget exceeded' },
  'asset-update-lost': { expects: c(2), step: '4. Update asset', category: 'assertion failed' },
  'asset-created-no-header': { expects: c(2), step: '2. Create asset', category: 'contract violation' },
  'asset-deleted-event-missing': { expects: c(2), step: '6. Delete asset', category: 'event not observed' },
  'asset-quota-not-counted': { expects: c(2), step: '5. Verify quota updated', category: 'event not observed' },
  'asset-quota-not-decremented': { expects: c(2), step: '7. Verify quota decremented', category: 'event not observed' },
  // One quota budget from the create response: each hop of this sync is under it, the whole is not (stack/faults.ts).
  'asset-quota-sync-late': { expects: c(2), step: '5. Verify quota updated', category: 'budget exceeded' },
  // The deleted event on the topic since step 2 must not satisfy step 6.
  'asset-deleted-event-early': { expects: c(2), step: '6. Delete asset', category: 'event not observed' },
  // A hostile answer: refused from its Content-Length, never read (FLOWGATE_MAX_BODY_BYTES, default 1 MiB); the error names its size.
  'asset-huge-body': { expects: c(2), step: '3. Read asset', category: 'unexpected response', error: 'a body of 5 MiB (5242880 bytes) by its Content-Length, not read', withinSeconds: 150, stepWithinMs: 5_000 },
  'scan-dispatch-wrong-priority': { expects: c(8, { says: 'cert-ix.scans.' }), step: '4. Start scan', category: 'contract violation' },
  'payment-plans-empty': { expects: c(9), step: '2. Get plans', category: 'assertion failed' },
  'payment-webhook-bad-signature-accepted': { expects: c(9), step: '4. Simulate Stripe webhook', category: 'unexpected response' },
  'payment-subscription-not-upgraded': { expects: c(9), step: '5. Verify subscription updated', category: 'event not observed' },
  'payment-invoice-never-created': { expects: c(9), step: '6. Verify invoice created', category: 'budget exceeded' },
  'payment-event-bad-schema': { expects: c(9), step: '4. Simulate Stripe webhook', category: 'contract violation' },
  // A webhook that double-books a replay, or pays a stale or unsigned delivery, is the Stripe integration broken: payment-broken fires with 9.
  'payment-webhook-replay-double-booked': { expects: c(9, { trigger: 'payment-broken' }), step: '4.1. Replayed webhook books nothing twice', category: 'assertion failed' },
  'payment-webhook-stale-accepted': { expects: c(9, { trigger: 'payment-broken' }), step: '4.2. Stale webhook refused', category: 'unexpected response' },
  'payment-webhook-unsigned-accepted': { expects: c(9, { trigger: 'payment-broken' }), step: '4.3. Unsigned webhook refused', category: 'unexpected response' },
  // answered 400 and paid anyway: the refusal alone would pass; what it booked does not
  'payment-webhook-refused-but-booked': { expects: c(9, { trigger: 'payment-broken' }), step: '4.2. Stale webhook refused', category: 'assertion failed' },
  'dashboard-login-page-broken': { expects: c(7), step: '7.1. Access dashboard', category: 'assertion failed' },
  'P0-05-email-exposed': { expects: bypass('POST /internal/email/send'), step: 'F. No internal route answers through the gateway', category: 'auth bypass' },
  'asset-read-off-schema': { expects: c(2, { says: 'response of getAsset with status 200 breaks the frozen contract: /updatedAt must be string' }), step: '3. Read asset', category: 'contract violation' },
  'asset-updated-duplicate-broken': { expects: c(11, { says: "cert-ix.asset.updated" }), step: 'C. Every event this test caused fits the frozen contract', category: 'contract violation' },
  // a topic of the frozen cert-ix.payment.* family no channel names, created during the run: still read, still judged
  'payment-refunded-no-header': { expects: c(11, { says: 'cert-ix.payment.refunded (partition 0, offset 0) breaks the frozen contract: header schema-version is missing' }), step: 'C. Every event this test caused fits the frozen contract', category: 'contract violation' },
  // No flow fails on these: the criterion fails from the evidence preflight and the source project record.
  'health-degraded': { expects: c(10, { says: 'scan-api-service: /health/scan-api-service 200 but the body does not fit the Health schema (status "degraded")' }) },
  'health-catch-all': { expects: c(10, { says: 'otp-service: /health/otp-service 200 but the body names service "qr-auth-service", not "otp-service"' }) },
  'source-literal-secret': { failing: 'source', expects: c(3, { trigger: 'hardcoded-secret', says: 'docker-compose.test.yml:' }), category: 'assertion failed' },
  // P0 gaps decided by rules over the deployed source: the gap row is open with the file and line
  'P0-06-source-db-ssl-off': { failing: 'source', expects: { trigger: 'p0-gap-not-remediated', says: 'stack/services/common/env-clients.ts:' }, category: 'assertion failed' },
  'P0-10-source-csrf-random-fallback': { failing: 'source', expects: { trigger: 'p0-gap-not-remediated', says: 'stack/services/run.ts:' }, category: 'assertion failed' },
  // transport: criteria 4, 5, 6 and P0-06, decided by connection tests
  'tls-gateway-plain-http': { expects: c(4), step: '4.2.', category: 'assertion failed', names: (e) => e.FLOWGATE_PUBLIC_ENDPOINTS.split(',')[1] },
  'tls-gateway-wrong-host-cert': { expects: c(4), step: '4.1.', category: 'assertion failed', names: (e) => hostPort(e.KONG_URL) },
  'tls-gateway-expired-cert': { expects: c(4), step: '4.1.', category: 'assertion failed', names: (e) => hostPort(e.KONG_URL) },
  'tls-kafka-plaintext-listener': { expects: c(5), step: '5.2.', category: 'assertion failed', names: () => 'speaks Kafka in plaintext' },
  'tls-redis-plaintext-port': { expects: c(6), step: '6.2.', category: 'assertion failed', names: () => 'speaks Redis in plaintext' },
  'tls-postgres-accepts-plaintext': { expects: { trigger: 'p0-gap-not-remediated',  }, step: 'P0-06.', category: 'assertion failed', names: (e) => hostPort(e.AUTH_DB_URL) },
  // holes only a conventional port shows (none is in FLOWGATE_PUBLIC_ENDPOINTS, the metadata, describeConfigs or CONFIG GET)
  'tls-gateway-conventional-plain-port': { expects: c(4), step: '4.2.', category: 'assertion failed', names: conventional('http') },
  'tls-gateway-admin-port': { expects: c(4), step: '4.3.', category: 'assertion failed', names: conventional('admin') },
  'tls-kafka-unadvertised-plaintext': { expects: c(5), step: '5.2.', category: 'assertion failed', names: conventional('kafka') },
  'tls-redis-unrevealed-plaintext-port': { expects: c(6), step: '6.2.', category: 'assertion failed', names: conventional('redis') },
  // shared-tenant is not a NO-GO by itself: what must hold is that cleanup leaves the tenant's rows alone and says so
  'shared-tenant': { elsewhere: 'tests/harness/cleanup.test.ts' },
  // configuration denied and nothing found is not a NO-GO: criterion 6 must wait for a sign-off, never pass
  'tls-redis-config-denied': { elsewhere: 'tests/harness/transport-unseen.test.ts' },
  // a service refusing the test key's tokens is a misconfigured probe (a ConfigError naming the key at set-up), not a bypass: the per-service positive control
  'vuln-requires-issued-jti': { elsewhere: 'tests/harness/misconfigured.test.ts' },
};

/** Rows of latency injection (`latency:<operationId>=<ms>`), which is no named fault: they name their project. */
const LATENCY_ROWS: Row[] = [
  { fault: `${LATENCY_PREFIX}createAsset=9000`, project: 'asset', expects: c(2), step: '2. Create asset', category: 'budget exceeded' },
];

export const MATRIX: Row[] = [...(Object.entries(ROWS) as [FaultName, RowSpec | TestedElsewhere][]).flatMap(([fault, r]) => ('elsewhere' in r ? [] : [rowOf(fault, r)])), ...LATENCY_ROWS];

/**
 * Faults whose check is not a matrix row (a verdict criterion or trigger) but a harness test of its own, by file: the
 * matrix test accepts them only when that file names the fault.
 */
export const TESTED_ELSEWHERE: Partial<Record<FaultName, string>> = Object.fromEntries(Object.entries(ROWS).flatMap(([fault, r]) => ('elsewhere' in r ? [[fault, r.elsewhere]] : [])));

/**
 * Rows that may share one run with rows of other projects, each with the other projects its fault reaches (those
 * never share its run). Faults are global on the stack, so only a fault whose effect stays inside its own flow (and
 * the flows named here) is listed; a row not listed (a new one, a fault on shared setup such as registration, the
 * gateway's certificate, the auth-bypass probes that touch every service) runs alone.
 */
export const BATCHABLE: Partial<Record<FaultSetting, Row['project'][]>> = {
  // the auth-bypass set-up creates an asset, starts a scan, opens a checkout and logs a user out: it is reached by all
  'P0-02-asset-audit-no-trace': ['auth-bypass'],
  'asset-update-lost': ['auth-bypass'],
  'asset-deleted-event-missing': ['auth-bypass'],
  'asset-quota-not-counted': ['auth-bypass'],
  'asset-quota-not-decremented': ['auth-bypass'],
  'asset-read-off-schema': ['auth-bypass'],
  'asset-updated-duplicate-broken': ['auth-bypass'],
  'asset-quota-sync-late': ['auth-bypass'],
  // the scan flow creates an asset (step 2): what breaks creating one breaks it; a deleted event at create time
  // also makes asset-verification forget the scan flow's asset before its ownership proof (step 3)
  'asset-deleted-event-early': ['scan', 'auth-bypass'],
  // the cross-tenant probe's owner reads its asset back (getAsset) as the positive control
  'asset-huge-body': ['auth-bypass'],
  'asset-created-no-header': ['scan', 'auth-bypass'],
  [`${LATENCY_PREFIX}createAsset=9000`]: ['scan', 'auth-bypass'],
  'P0-09-scan-no-audit': ['auth-bypass'],
  'scan-ownership-rejected': ['auth-bypass'],
  'scan-never-completes': ['auth-bypass'],
  'scan-empty-results': ['auth-bypass'],
  'scan-results-contract-broken': ['auth-bypass'],
  'scan-vuln-never-synced': ['auth-bypass'],
  'scan-dispatch-wrong-priority': ['auth-bypass'],
  'P0-04-payment-no-audit': ['auth-bypass'],
  'payment-plans-empty': ['auth-bypass'],
  'payment-webhook-bad-signature-accepted': ['auth-bypass'],
  'payment-subscription-not-upgraded': ['auth-bypass'],
  'payment-invoice-never-created': ['auth-bypass'],
  'payment-event-bad-schema': ['auth-bypass'],
  'payment-webhook-replay-double-booked': ['auth-bypass'],
  'payment-webhook-stale-accepted': ['auth-bypass'],
  'payment-webhook-unsigned-accepted': ['auth-bypass'],
  'payment-webhook-refused-but-booked': ['auth-bypass'],
  // auth faults after registration and login (the other flows' account set-up registers, verifies and logs in)
  'auth-login-audit-missing': [],
  'auth-logout-audit-missing': [],
  'auth-dashboard-stale-session': [],
  // only the auth flow's browser opens /login; every other sign-in is the API's
  'dashboard-login-page-broken': [],
  'auth-logout-no-blacklist': ['auth-bypass'],
  // bad tokens only: the flows send good ones, so only the probes meet these faults
  'auth-alg-none-accepted': [],
  'asset-cross-tenant-read': [],
  'scan-unauthenticated-500': [],
  // the gateway reaching email-service's internal API: no flow calls it
  'P0-05-email-exposed': [],
  // the auth-bypass positive control reads every service's health
  'health-degraded': ['auth-bypass'],
  'source-literal-secret': [],
  'P0-06-source-db-ssl-off': [],
  'P0-10-source-csrf-random-fallback': [],
  // extra listeners or a plaintext login: the flows' TLS connections are untouched
  'tls-gateway-plain-http': [],
  'tls-redis-plaintext-port': [],
  'tls-postgres-accepts-plaintext': [],
  'tls-gateway-conventional-plain-port': [],
  'tls-gateway-admin-port': [],
  'tls-kafka-unadvertised-plaintext': [],
  'tls-redis-unrevealed-plaintext-port': [],
};
