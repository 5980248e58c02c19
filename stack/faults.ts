// The catalogue of named faults the embedded stack can inject, and the switchboard services consult at run time.
export interface FaultSpec {
  name: string;
  /** the flow whose steps or side effects the fault breaks */
  flow: 'auth' | 'scan' | 'asset' | 'payment' | 'transport' | 'any';
  /** seed §3 gap id when the fault reproduces one */
  gap?: string;
  /** takes effect only when the stack starts with it (STACK_FAULTS); the control port refuses it at run time */
  atStart?: boolean;
  /** what changes in the services' behaviour */
  description: string;
}

export const FAULTS: readonly FaultSpec[] = [
  // Seed P0 gaps a flow can observe
  { name: 'P0-01-asset-no-jwt', flow: 'asset', gap: 'P0-01', description: 'asset-management accepts a missing or invalid JWT (the unsafe fallback grants access)' },
  { name: 'P0-02-asset-audit-no-trace', flow: 'asset', gap: 'P0-02', description: 'asset-management writes audit rows without the request trace id' },
  { name: 'P0-03-checkout-no-jwt', flow: 'payment', gap: 'P0-03', description: 'checkout-orchestration routes accept requests without a valid JWT' },
  { name: 'P0-04-payment-no-audit', flow: 'payment', gap: 'P0-04', description: 'payment-processing writes no payment audit rows' },
  { name: 'P0-05-email-exposed', flow: 'any', gap: 'P0-05', description: "the gateway routes /internal/email to email-service, whose internal API has no auth" },
  { name: 'P0-09-scan-no-audit', flow: 'scan', gap: 'P0-09', description: 'the scan engine worker writes no scan audit trail' },
  // auth probes: a forged token, another tenant, or a crash instead of a refusal
  { name: 'auth-alg-none-accepted', flow: 'any', description: 'every protected route accepts an unsigned alg:none token carrying valid-looking claims' },
  { name: 'asset-cross-tenant-read', flow: 'asset', description: "GET /api/v1/assets/{id} finds the asset by id alone, so another tenant reads it (BOLA)" },
  { name: 'scan-unauthenticated-500', flow: 'scan', description: 'scan-api-service answers 500 instead of 401 to a request without a bearer token' },
  { name: 'asset-bypass-off-schema', flow: 'asset', description: "asset-management answers a refused token 200 from a stale cache, with a body off the route's schema (a bypass that is not the real handler)" },
  { name: 'vuln-cross-tenant-list', flow: 'scan', description: 'GET /api/v1/vulnerabilities?scanId= lists that scan\'s vulnerabilities whatever the tenant (BOLA)' },
  { name: 'scan-start-cross-tenant', flow: 'scan', description: "scan-api starts a scan on another tenant's asset (it does not check who owns the asset)" },
  { name: 'ownership-proof-cross-tenant', flow: 'scan', description: "asset-verification proves ownership of another tenant's asset (it looks the asset up by id alone)" },
  { name: 'asset-tenant-header-trusted', flow: 'asset', description: "GET /api/v1/assets/{id} reads the tenant from an x-tenant-id header when one is sent, over the token's" },
  { name: 'auth-alg-confusion-accepted', flow: 'any', description: 'qr-auth signs ES256 (kid, public key at GET /api/v1/auth/.well-known/jwks.json) and every protected route also accepts HS256 keyed with that public key\'s PEM text (algorithm confusion)' },
  { name: 'vuln-requires-issued-jti', flow: 'any', description: 'vulnerability-management accepts only tokens qr-auth issued (their jti recorded in Redis), so a token signed with JWT_TEST_SIGNING_KEY is refused there alone' },
  // what every run sees (criteria 3, 10, 11)
  { name: 'source-literal-secret', flow: 'any', description: 'the deployed source (FLOWGATE_SOURCE_DIR) has a literal Stripe live key in its compose file' },
  { name: 'P0-06-source-db-ssl-off', flow: 'any', gap: 'P0-06', description: "the deployed source's database client turns TLS on only when DB_SSL is 'true', so off by default" },
  { name: 'P0-10-source-csrf-random-fallback', flow: 'any', gap: 'P0-10', description: "the deployed source's qr-auth falls back to a random CSRF_ENCRYPTION_KEY when it is unset" },
  { name: 'health-degraded', flow: 'any', description: 'scan-api-service answers its health endpoint 200 with status "degraded"' },
  { name: 'payment-refunded-no-header', flow: 'payment', description: "after each payment, payment-processing also produces cert-ix.payment.refunded (a topic of the frozen cert-ix.payment.* family that no channel names, created on first use) without its schema-version header, carrying the payment and tenant ids (no session id)" },
  { name: 'health-catch-all', flow: 'any', description: "the gateway sends every /health/ path to qr-auth-service, whose catch-all answers 200 {status: 'ok', service: 'qr-auth-service'} for any of them" },
  // auth flow
  { name: 'auth-csrf-unavailable', flow: 'auth', description: 'qr-auth answers the CSRF token route with 503' },
  { name: 'auth-verify-no-activate', flow: 'auth', description: 'verify-email answers 200 but leaves the account pending, so login is refused' },
  { name: 'auth-free-plan-never-activated', flow: 'auth', description: 'subscription-service ignores cert-ix.subscription.plan.free.request' },
  { name: 'auth-logout-no-blacklist', flow: 'auth', description: 'logout answers 200 but does not blacklist the token' },
  { name: 'auth-login-audit-missing', flow: 'auth', description: 'qr-auth writes no audit row for login' },
  { name: 'auth-logout-audit-missing', flow: 'auth', description: 'qr-auth writes no audit row for logout' },
  { name: 'auth-registered-no-header', flow: 'auth', description: 'cert-ix.auth.user.registered.success is produced without its schema-version header' },
  { name: 'auth-dashboard-stale-session', flow: 'auth', description: 'the client dashboard shows the cached user even when the token is rejected' },
  { name: 'dashboard-login-page-broken', flow: 'auth', description: "the client dashboard's /login page does not log in: submitting the form posts nothing and stores no session" },
  // shared staging: cleanup must prove a tenant is the run's before it deletes anything keyed by it (tests/harness/cleanup.test.ts)
  { name: 'shared-tenant', flow: 'auth', description: 'registration puts every individual account in one existing tenant (ten_shared_customer, SHARED_TENANT_ID) and answers it, as a staging whose accounts share a tenant' },
  { name: 'auth-login-contract-broken', flow: 'auth', description: 'login answers 200 with its accessToken and a refreshToken (kept in Redis, auth:refresh:<token>) but expiresIn as a string, off the Login response schema' },
  // scan flow
  { name: 'scan-ownership-rejected', flow: 'scan', description: 'asset-verification marks every ownership proof failed' },
  { name: 'scan-never-completes', flow: 'scan', description: 'the engine worker reports running but never completes the scan' },
  { name: 'scan-empty-results', flow: 'scan', description: 'scan-api returns no findings for completed scans' },
  { name: 'scan-results-contract-broken', flow: 'scan', description: 'cert-ix.scan-results is produced without its required findings field' },
  { name: 'scan-vuln-never-synced', flow: 'scan', description: 'vulnerability-management ignores cert-ix.scan-results' },
  { name: 'scan-dispatch-wrong-priority', flow: 'scan', description: 'scan-api dispatches the scan to another priority\'s engine topic (the payload still names the requested priority)' },
  // asset flow
  { name: 'asset-read-off-schema', flow: 'asset', description: 'GET /api/v1/assets/{id} answers updatedAt as a number (off the OpenAPI schema; no step asserts it)' },
  { name: 'asset-updated-duplicate-broken', flow: 'asset', description: 'after each cert-ix.asset.updated, a duplicate of it without the required "at" field' },
  { name: 'asset-update-lost', flow: 'asset', description: 'PATCH answers 200 with the change but does not persist it' },
  { name: 'asset-created-no-header', flow: 'asset', description: 'cert-ix.asset.created is produced without its schema-version header' },
  { name: 'asset-deleted-event-missing', flow: 'asset', description: 'asset-management produces no cert-ix.asset.deleted' },
  { name: 'asset-quota-not-counted', flow: 'asset', description: 'quota-sync drops increases, so usage never counts the new asset' },
  { name: 'asset-quota-not-decremented', flow: 'asset', description: 'quota-sync drops decreases, so usage stays up after a delete' },
  { name: 'asset-quota-sync-late', flow: 'asset', description: 'the quota syncs 7.2 s after the create: quota-sync forwards the count 3.6 s late and subscription-service applies it 3.6 s later still (QUOTA_LATE_HOP_MS)' },
  { name: 'asset-deleted-event-early', flow: 'asset', description: 'asset-management produces cert-ix.asset.deleted when the asset is created, and nothing when it is deleted' },
  { name: 'asset-huge-body', flow: 'asset', description: 'GET /api/v1/assets/{id} answers 200 with a 5 MiB JSON body (the asset padded to HUGE_BODY_BYTES, with its Content-Length)' },
  // payment flow
  { name: 'payment-plans-empty', flow: 'payment', description: 'plans-service returns an empty catalogue' },
  { name: 'payment-webhook-bad-signature-accepted', flow: 'payment', description: 'payment-processing accepts webhooks whose Stripe signature does not verify' },
  { name: 'payment-subscription-not-upgraded', flow: 'payment', description: 'subscription-service ignores cert-ix.payment.succeeded' },
  { name: 'payment-invoice-never-created', flow: 'payment', description: 'invoice-service ignores cert-ix.payment.succeeded' },
  { name: 'payment-event-bad-schema', flow: 'payment', description: 'cert-ix.payment.succeeded is produced with amount as a string' },
  { name: 'payment-webhook-replay-double-booked', flow: 'payment', description: 'payment-processing books every delivery of a Stripe event: a replayed event (same id) is a second payment, invoice and upgrade' },
  { name: 'payment-webhook-stale-accepted', flow: 'payment', description: "payment-processing skips the signature's timestamp tolerance (Stripe's 300 s): a correctly signed webhook of any age is paid" },
  { name: 'payment-webhook-unsigned-accepted', flow: 'payment', description: 'payment-processing trusts a webhook without a stripe-signature header (only a present signature is verified)' },
  { name: 'payment-webhook-refused-but-booked', flow: 'payment', description: "payment-processing books a webhook's payment before it verifies the signature: a stale, unsigned or forged webhook is answered 400 but paid" },
  // transport (criteria 4, 5, 6 and P0-06): the secure stack with one hole
  { name: 'tls-gateway-plain-http', flow: 'transport', description: "the gateway's plain-HTTP port serves the routes instead of only redirecting to https" },
  { name: 'tls-gateway-wrong-host-cert', flow: 'transport', description: 'the gateway presents a certificate for another host (signed by the run CA)' },
  { name: 'tls-gateway-expired-cert', flow: 'transport', description: 'the gateway presents a certificate that expired (signed by the run CA)' },
  { name: 'tls-kafka-plaintext-listener', flow: 'transport', atStart: true, description: 'Kafka starts with a PLAINTEXT listener open and advertised beside SASL_SSL' },
  { name: 'tls-redis-plaintext-port', flow: 'transport', description: 'Redis opens a plaintext port beside its tls-port' },
  { name: 'tls-postgres-accepts-plaintext', flow: 'transport', gap: 'P0-06', description: 'pg_hba.conf accepts plaintext TCP connections (host instead of hostssl)' },
  // holes only the conventional ports show (stack/components/hidden-ports.ts): a plaintext relay to the TLS service on its role's reserved port
  { name: 'tls-gateway-conventional-plain-port', flow: 'transport', description: "a Kong-like plain proxy port on the gateway's host (the stack's conventional http port) serves the API in plaintext" },
  { name: 'tls-gateway-admin-port', flow: 'transport', description: "an admin API port on the gateway's host (the stack's conventional admin port) takes connections from outside" },
  { name: 'tls-kafka-unadvertised-plaintext', flow: 'transport', description: "a plaintext Kafka port on the broker's host (the stack's conventional kafka port) that neither the metadata nor describeConfigs names" },
  // what criterion 6 cannot see: managed Redis denies CONFIG (tests/harness/transport-unseen.test.ts: awaiting-sign-off, never pass)
  { name: 'tls-redis-config-denied', flow: 'transport', description: "Redis' ACL denies CONFIG to the login the harness shares with the services, as managed Redis does" },
  { name: 'tls-redis-unrevealed-plaintext-port', flow: 'transport', description: "a plaintext Redis port on its host (the stack's conventional redis port) that CONFIG GET port does not reveal" },
];

/** shared-tenant: the tenant every registration answers while the fault is on (a harness test plants a customer in it). */
export const SHARED_TENANT_ID = 'ten_shared_customer';

/**
 * asset-quota-sync-late: the delay of each of the sync's two hops (quota-sync forwarding, subscription-service applying).
 * Sized against the matrix's quota budget (FAST_BUDGETS: 6 s): each hop alone is under it, so the old step 5 — an
 * event wait and a usage poll with the full budget each, starting after steps 3 and 4 — passed; the whole sync,
 * 7.2 s from the create response, is over it, which is what the seed's "quota syncs within 30 s" forbids.
 * Against the seed's 30 s budget a 7.2 s sync is in time (GO is right there).
 */
export const QUOTA_LATE_HOP_MS = 3_600;

/** asset-huge-body: the exact size of the answer, far over the harness's default 1 MiB cap (FLOWGATE_MAX_BODY_BYTES). */
export const HUGE_BODY_BYTES = 5 * 1024 * 1024;

/** `latency:<operationId>=<ms>` delays that route's answer; ms defaults to LATENCY_DEFAULT_MS. */
export const LATENCY_PREFIX = 'latency:';
export const LATENCY_DEFAULT_MS = 45_000;

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
export function parseFaults(spec: string | string[] | undefined): { names: Set<string>; latency: Map<string, number> } {
  const items = (Array.isArray(spec) ? spec : (spec ?? '').split(',')).map((s) => s.trim()).filter(Boolean);
  const names = new Set<string>();
  const latency = new Map<string, number>();
  for (const item of items) {
    if (item.startsWith(LATENCY_PREFIX)) {
      const [op, ms] = item.slice(LATENCY_PREFIX.length).split('=');
      const n = ms === undefined ? LATENCY_DEFAULT_MS : Number(ms);
      if (!op || !Number.isFinite(n) || n < 0) throw new UnknownFault(item);
      latency.set(op, n);
      continue;
    }
    if (!FAULTS.some((f) => f.name === item)) throw new UnknownFault(item);
    names.add(item);
  }
  return { names, latency };
}

/** What services ask at run time; the control port replaces its contents. */
export class Faults {
  private names = new Set<string>();
  private latency = new Map<string, number>();
  private readonly listeners: ((f: Faults) => Promise<void>)[] = [];

  constructor(spec?: string | string[]) {
    this.set(spec);
  }

  set(spec?: string | string[]): void {
    const parsed = parseFaults(spec);
    this.names = parsed.names;
    this.latency = parsed.latency;
  }

  /** Components that are reconfigured rather than consulted (the gateway's certificate, Redis' ports, pg_hba) listen here. */
  onChange(listener: (f: Faults) => Promise<void>): void {
    this.listeners.push(listener);
  }

  /** set() at run time: refuses start-only faults, then waits until every listener has applied the change. */
  async apply(spec?: string | string[]): Promise<void> {
    const parsed = parseFaults(spec);
    const startOnly = [...parsed.names].filter((n) => FAULTS.find((f) => f.name === n)?.atStart && !this.names.has(n));
    if (startOnly.length) throw new StartOnlyFault(startOnly);
    this.set(spec);
    for (const l of this.listeners) await l(this);
  }

  on(name: string): boolean {
    if (!FAULTS.some((f) => f.name === name)) throw new UnknownFault(name);
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
    ...FAULTS.map((f) => `${f.name}\t${f.flow}${f.gap ? `\t${f.gap}` : '\t-'}\t${f.description}`),
    `${LATENCY_PREFIX}<operationId>[=ms]\tany\t-\tdelays the answer of that contract route (default ${LATENCY_DEFAULT_MS} ms)`,
  ].join('\n');
}
