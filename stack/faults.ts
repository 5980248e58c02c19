// The catalogue of named faults the embedded stack can inject, and the switchboard services consult at run time.
/** The Playwright project whose run catches a fault: a flow, the auth-bypass probes, the source scan or the transport checks. */
export type FaultProject = 'auth' | 'scan' | 'asset' | 'payment' | 'transport' | 'auth-bypass' | 'source';

/** What a fault is: each fault's one definition (the fault matrix and --list-faults read it). */
export interface FaultInfo {
  /** the project whose run catches the fault (tests/harness/fault-matrix.ts runs it there) */
  project: FaultProject;
  /** the P0 gap the fault reproduces */
  gap?: string;
  /** takes effect only when the stack starts with it (STACK_FAULTS); the control port refuses it at run time */
  atStart?: boolean;
  /** what changes in the services' behaviour */
  description: string;
}

/** Every named fault of the embedded stack, keyed by its name. */
export const FAULT_INFO = {
  // P0 gaps a flow or probe can observe
  'P0-01-asset-no-jwt': { project: 'auth-bypass', gap: 'P0-01', description: 'asset-management accepts a missing or invalid JWT (the unsafe fallback grants access)' },
  'P0-02-asset-audit-no-trace': { project: 'asset', gap: 'P0-02', description: 'asset-management writes audit rows without the request trace id' },
  'P0-03-checkout-no-jwt': { project: 'auth-bypass', gap: 'P0-03', description: 'checkout-orchestration routes accept requests without a valid JWT' },
  'P0-04-payment-no-audit': { project: 'payment', gap: 'P0-04', description: 'payment-processing writes no payment audit rows' },
  'P0-05-email-exposed': { project: 'auth-bypass', gap: 'P0-05', description: "the gateway routes /internal/email to email-service, whose internal API has no auth" },
  'P0-09-scan-no-audit': { project: 'scan', gap: 'P0-09', description: 'the scan engine worker writes no scan audit trail' },
  // auth probes: a forged token, another tenant, or a crash instead of a refusal
  'auth-alg-none-accepted': { project: 'auth-bypass', description: 'every protected route accepts an unsigned alg:none token carrying valid-looking claims' },
  'asset-cross-tenant-read': { project: 'auth-bypass', description: "GET /api/v1/assets/{id} finds the asset by id alone, so another tenant reads it (BOLA)" },
  'scan-unauthenticated-500': { project: 'auth-bypass', description: 'scan-api-service answers 500 instead of 401 to a request without a bearer token' },
  'asset-bypass-off-schema': { project: 'auth-bypass', description: "asset-management answers a refused token 200 from a stale cache, with a body off the route's schema (a bypass that is not the real handler)" },
  'vuln-cross-tenant-list': { project: 'auth-bypass', description: 'GET /api/v1/vulnerabilities?scanId= lists that scan\'s vulnerabilities whatever the tenant (BOLA)' },
  'scan-start-cross-tenant': { project: 'auth-bypass', description: "scan-api starts a scan on another tenant's asset (it does not check who owns the asset)" },
  'ownership-proof-cross-tenant': { project: 'auth-bypass', description: "asset-verification proves ownership of another tenant's asset (it looks the asset up by id alone)" },
  'asset-tenant-header-trusted': { project: 'auth-bypass', description: "GET /api/v1/assets/{id} reads the tenant from an x-tenant-id header when one is sent, over the token's" },
  'auth-alg-confusion-accepted': { project: 'auth-bypass', description: 'qr-auth signs ES256 (kid, public key at GET /api/v1/auth/.well-known/jwks.json) and every protected route also accepts HS256 keyed with that public key\'s PEM text (algorithm confusion)' },
  'vuln-requires-issued-jti': { project: 'auth-bypass', description: 'vulnerability-management accepts only tokens qr-auth issued (their jti recorded in Redis), so a token signed with JWT_TEST_SIGNING_KEY is refused there alone' },
  // what every run sees (criteria 3, 10, 11)
  'source-literal-secret': { project: 'source', description: 'the deployed source (FLOWGATE_SOURCE_DIR) has a literal Stripe live key in its compose file' },
  'P0-06-source-db-ssl-off': { project: 'source', gap: 'P0-06', description: "the deployed source's database client turns TLS on only when DB_SSL is 'true', so off by default" },
  'P0-10-source-csrf-random-fallback': { project: 'source', gap: 'P0-10', description: "the deployed source's qr-auth falls back to a random CSRF_ENCRYPTION_KEY when it is unset" },
  'health-degraded': { project: 'auth', description: 'scan-api-service answers its health endpoint 200 with status "degraded"' },
  'payment-refunded-no-header': { project: 'payment', description: "after each payment, payment-processing also produces cert-ix.payment.refunded (a topic of the frozen cert-ix.payment.* family that no channel names, created on first use) without its schema-version header, carrying the payment and tenant ids (no session id)" },
  'health-catch-all': { project: 'auth', description: "the gateway sends every /health/ path to qr-auth-service, whose catch-all answers 200 {status: 'ok', service: 'qr-auth-service'} for any of them" },
  // auth flow
  'auth-csrf-unavailable': { project: 'auth', description: 'qr-auth answers the CSRF token route with 503' },
  'auth-verify-no-activate': { project: 'auth', description: 'verify-email answers 200 but leaves the account pending, so login is refused' },
  'auth-free-plan-never-activated': { project: 'auth', description: 'subscription-service ignores cert-ix.subscription.plan.free.request' },
  'auth-logout-no-blacklist': { project: 'auth', description: 'logout answers 200 but does not blacklist the token' },
  'auth-login-audit-missing': { project: 'auth', description: 'qr-auth writes no audit row for login' },
  'auth-logout-audit-missing': { project: 'auth', description: 'qr-auth writes no audit row for logout' },
  'auth-registered-no-header': { project: 'auth', description: 'cert-ix.auth.user.registered.success is produced without its schema-version header' },
  'auth-dashboard-stale-session': { project: 'auth', description: 'the client dashboard shows the cached user even when the token is rejected' },
  'dashboard-login-page-broken': { project: 'auth', description: "the client dashboard's /login page does not log in: submitting the form posts nothing and stores no session" },
  // shared staging: cleanup must prove a tenant is the run's before it deletes anything keyed by it (tests/harness/cleanup.test.ts)
  'shared-tenant': { project: 'auth', description: 'registration puts every individual account in one existing tenant (ten_shared_customer, SHARED_TENANT_ID) and answers it, as a staging whose accounts share a tenant' },
  'auth-login-contract-broken': { project: 'auth', description: 'login answers 200 with its accessToken and a refreshToken (kept in Redis, auth:refresh:<token>) but expiresIn as a string, off the Login response schema' },
  // scan flow
  'scan-ownership-rejected': { project: 'scan', description: 'asset-verification marks every ownership proof failed' },
  'scan-never-completes': { project: 'scan', description: 'the engine worker reports running but never completes the scan' },
  'scan-empty-results': { project: 'scan', description: 'scan-api returns no findings for completed scans' },
  'scan-results-contract-broken': { project: 'scan', description: 'cert-ix.scan-results is produced without its required findings field' },
  'scan-vuln-never-synced': { project: 'scan', description: 'vulnerability-management ignores cert-ix.scan-results' },
  'scan-dispatch-wrong-priority': { project: 'scan', description: 'scan-api dispatches the scan to another priority\'s engine topic (the payload still names the requested priority)' },
  // asset flow
  'asset-read-off-schema': { project: 'asset', description: 'GET /api/v1/assets/{id} answers updatedAt as a number (off the OpenAPI schema; no step asserts it)' },
  'asset-updated-duplicate-broken': { project: 'asset', description: 'after each cert-ix.asset.updated, a duplicate of it without the required "at" field' },
  'asset-update-lost': { project: 'asset', description: 'PATCH answers 200 with the change but does not persist it' },
  'asset-created-no-header': { project: 'asset', description: 'cert-ix.asset.created is produced without its schema-version header' },
  'asset-deleted-event-missing': { project: 'asset', description: 'asset-management produces no cert-ix.asset.deleted' },
  'asset-quota-not-counted': { project: 'asset', description: 'quota-sync drops increases, so usage never counts the new asset' },
  'asset-quota-not-decremented': { project: 'asset', description: 'quota-sync drops decreases, so usage stays up after a delete' },
  'asset-quota-sync-late': { project: 'asset', description: 'the quota syncs 7.2 s after the create: quota-sync forwards the count 3.6 s late and subscription-service applies it 3.6 s later still (QUOTA_LATE_HOP_MS)' },
  'asset-deleted-event-early': { project: 'asset', description: 'asset-management produces cert-ix.asset.deleted when the asset is created, and nothing when it is deleted' },
  'asset-huge-body': { project: 'asset', description: 'GET /api/v1/assets/{id} answers 200 with a 5 MiB JSON body (the asset padded to HUGE_BODY_BYTES, with its Content-Length)' },
  // payment flow
  'payment-plans-empty': { project: 'payment', description: 'plans-service returns an empty catalogue' },
  'payment-webhook-bad-signature-accepted': { project: 'payment', description: 'payment-processing accepts webhooks whose Stripe signature does not verify' },
  'payment-subscription-not-upgraded': { project: 'payment', description: 'subscription-service ignores cert-ix.payment.succeeded' },
  'payment-invoice-never-created': { project: 'payment', description: 'invoice-service ignores cert-ix.payment.succeeded' },
  'payment-event-bad-schema': { project: 'payment', description: 'cert-ix.payment.succeeded is produced with amount as a string' },
  'payment-webhook-replay-double-booked': { project: 'payment', description: 'payment-processing books every delivery of a Stripe event: a replayed event (same id) is a second payment, invoice and upgrade' },
  'payment-webhook-stale-accepted': { project: 'payment', description: "payment-processing skips the signature's timestamp tolerance (Stripe's 300 s): a correctly signed webhook of any age is paid" },
  'payment-webhook-unsigned-accepted': { project: 'payment', description: 'payment-processing trusts a webhook without a stripe-signature header (only a present signature is verified)' },
  'payment-webhook-refused-but-booked': { project: 'payment', description: "payment-processing books a webhook's payment before it verifies the signature: a stale, unsigned or forged webhook is answered 400 but paid" },
  // transport (criteria 4, 5, 6 and P0-06): the secure stack with one hole
  'tls-gateway-plain-http': { project: 'transport', description: "the gateway's plain-HTTP port serves the routes instead of only redirecting to https" },
  'tls-gateway-wrong-host-cert': { project: 'transport', description: 'the gateway presents a certificate for another host (signed by the run CA)' },
  'tls-gateway-expired-cert': { project: 'transport', description: 'the gateway presents a certificate that expired (signed by the run CA)' },
  'tls-kafka-plaintext-listener': { project: 'transport', atStart: true, description: 'Kafka starts with a PLAINTEXT listener open and advertised beside SASL_SSL' },
  'tls-redis-plaintext-port': { project: 'transport', description: 'Redis opens a plaintext port beside its tls-port' },
  'tls-postgres-accepts-plaintext': { project: 'transport', gap: 'P0-06', description: 'pg_hba.conf accepts plaintext TCP connections (host instead of hostssl)' },
  // holes only the conventional ports show (stack/components/hidden-ports.ts): a plaintext relay to the TLS service on its role's reserved port
  'tls-gateway-conventional-plain-port': { project: 'transport', description: "a Kong-like plain proxy port on the gateway's host (the stack's conventional http port) serves the API in plaintext" },
  'tls-gateway-admin-port': { project: 'transport', description: "an admin API port on the gateway's host (the stack's conventional admin port) takes connections from outside" },
  'tls-kafka-unadvertised-plaintext': { project: 'transport', description: "a plaintext Kafka port on the broker's host (the stack's conventional kafka port) that neither the metadata nor describeConfigs names" },
  // what criterion 6 cannot see: managed Redis denies CONFIG (tests/harness/transport-unseen.test.ts: awaiting-sign-off, never pass)
  'tls-redis-config-denied': { project: 'transport', description: "Redis' ACL denies CONFIG to the login the harness shares with the services, as managed Redis does" },
  'tls-redis-unrevealed-plaintext-port': { project: 'transport', description: "a plaintext Redis port on its host (the stack's conventional redis port) that CONFIG GET port does not reveal" },
} as const satisfies Record<string, FaultInfo>;

/** A fault's name: a closed type, so a misspelt fault fails the typecheck. */
export type FaultName = keyof typeof FAULT_INFO;
/** `latency:<operationId>[=ms]`: delays that route's answer. */
export type LatencySetting = `${typeof LATENCY_PREFIX}${string}`;
/** What a fault list (STACK_FAULTS, the control port) holds: fault names and latency settings. */
export type FaultSetting = FaultName | LatencySetting;

export interface FaultSpec extends FaultInfo {
  name: FaultName;
}

export const FAULT_NAMES = Object.keys(FAULT_INFO) as FaultName[];
/** A fault's definition, as the FaultInfo shape (FAULT_INFO's own entries are narrower literal types). */
export const faultInfo = (name: FaultName): FaultInfo => FAULT_INFO[name];
export const FAULTS: readonly FaultSpec[] = FAULT_NAMES.map((name) => ({ name, ...faultInfo(name) }));

/** True when `name` is a fault of the embedded stack (an input from outside: STACK_FAULTS, the control port). */
export const isFaultName = (name: string): name is FaultName => Object.prototype.hasOwnProperty.call(FAULT_INFO, name);

/** shared-tenant: the tenant every registration answers while the fault is on (a harness test plants a customer in it). */
export const SHARED_TENANT_ID = 'ten_shared_customer';

/**
 * asset-quota-sync-late: the delay of each of the sync's two hops (quota-sync forwarding, subscription-service applying).
 * Sized against the matrix's quota budget (FAST_BUDGETS: 6 s): each hop alone is under it, so a check that gave an
 * event wait and a usage poll the full budget each would pass; the whole sync, 7.2 s from the create response, is
 * over it, which a budget counted from the create forbids. Against the criteria's 30 s budget a 7.2 s sync is in
 * time (GO is right there).
 */
export const QUOTA_LATE_HOP_MS = 3_600;

/** asset-huge-body: the exact size of the answer, far over the harness's default 1 MiB cap (FLOWGATE_MAX_BODY_BYTES). */
export const HUGE_BODY_BYTES = 5 * 1024 * 1024;

/** `latency:<operationId>=<ms>` delays that route's answer; ms defaults to LATENCY_DEFAULT_MS. */
export const LATENCY_PREFIX = 'latency:';
export const LATENCY_DEFAULT_MS = 45_000;

/**
 * A fault list as it comes in: a STACK_FAULTS string (`a,b,latency:createAsset=40000`), checked when parsed, or a
 * list of typed settings.
 */
export type FaultsInput = string | readonly FaultSetting[];

export class UnknownFault extends Error {
  constructor(name: string) {
    super(`UnknownFault: "${name}" is not a fault of the embedded stack; list them with npm run stack -- --list-faults`);
    this.name = 'UnknownFault';
  }
}

export class StartOnlyFault extends Error {
  constructor(names: string[]) {
    super(`StartOnlyFault: ${names.join(', ')} takes effect only when the stack starts with it (STACK_FAULTS=${names.join(',')}), not through the control port`);
    this.name = 'StartOnlyFault';
  }
}

/** Parses `a,b,latency:createAsset=40000` into fault names and latency per operationId; throws on an unknown name. */
export function parseFaults(spec: string | readonly string[] | undefined): { names: Set<FaultName>; latency: Map<string, number> } {
  const items = (typeof spec === 'string' || spec === undefined ? (spec ?? '').split(',') : spec).map((s) => s.trim()).filter(Boolean);
  const names = new Set<FaultName>();
  const latency = new Map<string, number>();
  for (const item of items) {
    if (item.startsWith(LATENCY_PREFIX)) {
      const [op, ms] = item.slice(LATENCY_PREFIX.length).split('=');
      const n = ms === undefined ? LATENCY_DEFAULT_MS : Number(ms);
      if (!op || !Number.isFinite(n) || n < 0) throw new UnknownFault(item);
      latency.set(op, n);
      continue;
    }
    if (!isFaultName(item)) throw new UnknownFault(item);
    names.add(item);
  }
  return { names, latency };
}

/** What services ask at run time; the control port replaces its contents. */
export class Faults {
  private names = new Set<FaultName>();
  private latency = new Map<string, number>();
  private readonly listeners: ((f: Faults) => Promise<void>)[] = [];

  constructor(spec?: FaultsInput) {
    this.set(spec);
  }

  set(spec?: FaultsInput): void {
    const parsed = parseFaults(spec);
    this.names = parsed.names;
    this.latency = parsed.latency;
  }

  /** Components that are reconfigured rather than consulted (the gateway's certificate, Redis' ports, pg_hba) listen here. */
  onChange(listener: (f: Faults) => Promise<void>): void {
    this.listeners.push(listener);
  }

  /** set() at run time, from the control port (names checked as they are parsed): refuses start-only faults, then waits until every listener has applied the change. */
  async apply(spec?: string | readonly string[]): Promise<void> {
    const parsed = parseFaults(spec);
    const startOnly = [...parsed.names].filter((n) => faultInfo(n).atStart && !this.names.has(n));
    if (startOnly.length) throw new StartOnlyFault(startOnly);
    this.names = parsed.names;
    this.latency = parsed.latency;
    for (const l of this.listeners) await l(this);
  }

  /** Whether the fault is on; a name that is no fault throws (the type already refuses one in TypeScript). */
  on(name: FaultName): boolean {
    if (!isFaultName(name)) throw new UnknownFault(name);
    return this.names.has(name);
  }

  latencyFor(operationId: string): number {
    return this.latency.get(operationId) ?? 0;
  }

  list(): string[] {
    return [...this.names, ...[...this.latency].map(([op, ms]) => `${LATENCY_PREFIX}${op}=${ms}`)];
  }
}

export function listFaultsText(): string {
  return [
    ...FAULTS.map((f) => `${f.name}\t${f.project}${f.gap ? `\t${f.gap}` : '\t-'}\t${f.description}`),
    `${LATENCY_PREFIX}<operationId>[=ms]\tany\t-\tdelays the answer of that contract route (default ${LATENCY_DEFAULT_MS} ms)`,
  ].join('\n');
}
