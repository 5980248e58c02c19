// Unit tests of the infrastructure, budget, bypass and configuration errors: credentials stripped, messages that say expected and got.
import { test, expect } from '@playwright/test';
import { AuthBypass, BudgetExceeded, ConfigError, InfrastructureUnreachable } from '.';

test('InfrastructureUnreachable removes credentials from the address and the cause', () => {
  const e = new InfrastructureUnreachable('postgres', 'postgres://app:s3cretpw@db:5432/auth', 'connect ECONNREFUSED via postgres://app:s3cretpw@db:5432');
  expect(e.message).not.toContain('s3cretpw');
  expect(String(e)).toBe('InfrastructureUnreachable: cannot reach postgres at postgres://db:5432/auth: connect ECONNREFUSED via postgres://db:5432');
  expect(e.address).toBe('postgres://db:5432/auth');
  expect(e.category).toBe('infrastructure unreachable');
});

test('BudgetExceeded, AuthBypass and ConfigError', () => {
  expect(String(new BudgetExceeded('quota to drop to 0', 30_000))).toBe('BudgetExceeded: waited 30 s for quota to drop to 0');
  const a = new AuthBypass([{ route: 'POST /api/v1/checkout/sessions', service: 'checkout-orchestration-service', tokenKind: 'none', status: 201 }]);
  expect(a.message).toContain('POST /api/v1/checkout/sessions (checkout-orchestration-service) answered 201 to a none token');
  expect(a.category).toBe('auth bypass');
  const c = new ConfigError(['KONG_URL is required', 'REDIS_URL is required']);
  expect(String(c)).toBe('ConfigError: 2 problems in the target configuration:\n  - KONG_URL is required\n  - REDIS_URL is required');
  expect(c.category).toBe('configuration');
});
