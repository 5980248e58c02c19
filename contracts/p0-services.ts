// The compliance matrix §1's P0 services (every row with Criticality P0), each named as the compliance matrix names it and mapped to its x-services entry.
//
// Criterion 10, the completeness check and the auth-bypass probes count against this list, not against x-services:
// a P0 service dropped from (or never added to) the contract must show as missing, not shrink what is due.

export interface SeedP0Service {
  /** the name in compliance matrix §1 */
  seed: string;
  /** the name in openapi.yaml x-services (the same, unless the contract models it under another name) */
  service: string;
}

export const SEED_P0_SERVICES: readonly SeedP0Service[] = [
  { seed: 'qr-auth-service', service: 'qr-auth-service' },
  { seed: 'otp-service', service: 'otp-service' },
  { seed: 'client-dashboard', service: 'client-dashboard' },
  { seed: 'asset-management-service', service: 'asset-management-service' },
  { seed: 'vulnerability-management-service', service: 'vulnerability-management-service' },
  // "go-tools (9 scanner engines)": the contract's scan-engine-worker is its model (it consumes cert-ix.scans.{engine}.{priority})
  { seed: 'go-tools', service: 'scan-engine-worker' },
  { seed: 'scan-api-service', service: 'scan-api-service' },
  { seed: 'payment-processing-service', service: 'payment-processing-service' },
  { seed: 'checkout-orchestration-service', service: 'checkout-orchestration-service' },
  { seed: 'email-service', service: 'email-service' },
  { seed: 'subscription-service', service: 'subscription-service' },
];

/** The contract (x-services) names of the compliance matrix's P0 services, in the compliance matrix's order. */
export function p0ServiceNames(): string[] {
  return SEED_P0_SERVICES.map((s) => s.service);
}

/** `go-tools (scan-engine-worker)` where the names differ, else the name. */
export function p0Label(service: string): string {
  const s = SEED_P0_SERVICES.find((x) => x.service === service);
  return s && s.seed !== s.service ? `${s.seed} (${s.service})` : service;
}
