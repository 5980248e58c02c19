// Unit tests of categoryOf: categories from the error classes, and the fallback for errors of no class of ours.
import { test, expect } from '@playwright/test';
import { categoryRules, ERROR_CLASSES, CATEGORIES, FlowgateError, AuthBypass, categoryOf, DbStateMismatch } from '.';

test('categoryOf classifies our errors, Playwright timeouts and driver connection errors', () => {
  expect(categoryOf(new DbStateMismatch({ probe: 'p', expected: 'x', got: [] }))).toBe('database state');
  expect(categoryOf({ name: 'AuthBypass' })).toBe('auth bypass');
  expect(categoryOf({ message: 'Test timeout of 30000ms exceeded.' })).toBe('budget exceeded');
  expect(categoryOf({ message: 'connect ECONNREFUSED 127.0.0.1:5432' })).toBe('infrastructure unreachable');
  expect(categoryOf({ message: 'getaddrinfo ENOTFOUND kafka.staging' })).toBe('infrastructure unreachable');
  expect(categoryOf({ name: 'KafkaJSConnectionError', message: 'Connection error' })).toBe('infrastructure unreachable');
  // A poll timeout that quotes its inner error takes the inner error's category…
  expect(categoryOf({ message: 'Error: expect(received).toPass() Timeout 30000ms exceeded while waiting on the predicate\nDbStateMismatch: probe quota.assets expected 0, got 1 row' })).toBe('database state');
  expect(categoryOf({ message: 'expect.poll: Timeout 5000ms exceeded\n\nEventNotObserved: no cert-ix.x' })).toBe('event not observed');
  // … and without one it is the budget.
  expect(categoryOf({ message: 'Error: expect(received).toBe(expected)\n\nTimeout 30000ms exceeded while waiting on the predicate' })).toBe('budget exceeded');
  expect(categoryOf({ message: 'expect(received).toBe(expected)\nExpected: 1\nReceived: 2' })).toBe('assertion failed');
  expect(categoryOf({ message: 'something odd' })).toBe('unknown');
  expect(categoryOf(undefined)).toBe('unknown');
});

test('categories come from the error classes: each class has one, and its errors carry its name, category and unreachable flag', () => {
  for (const [name, cls] of Object.entries(ERROR_CLASSES) as [string, (typeof ERROR_CLASSES)[keyof typeof ERROR_CLASSES]][]) {
    expect(CATEGORIES, `${name}'s category`).toContain(cls.category);
    expect(cls.prototype).toBeInstanceOf(FlowgateError);
    expect(cls.unreachable, `${name} unreachable`).toBe(name === 'InfrastructureUnreachable');
  }
  // the name an error says is the key it is registered under, so errorClassOf() on a serialized error finds its class
  expect(new ERROR_CLASSES.InfrastructureUnreachable('redis', 'r:6379', 'x').name).toBe('InfrastructureUnreachable');
  expect(new ERROR_CLASSES.RedisStateMismatch({ key: 'k', expected: 'x', got: null }).name).toBe('RedisStateMismatch');
  // an error of ours says its class's category whatever its message says
  expect(categoryOf(new DbStateMismatch({ probe: 'p', expected: 'ECONNREFUSED', got: [] }))).toBe('database state');
});

test('category rules: one per category a class has, in CATEGORIES order, with the fallback text of errors of no class of ours', () => {
  const rules = categoryRules();
  expect(rules.map((r) => r.category)).toEqual(CATEGORIES.filter((c) => rules.some((r) => r.category === c)));
  expect(rules.find((r) => r.category === 'database state')!.names).toEqual(['DbStateMismatch', 'RedisStateMismatch']);
  expect(rules.find((r) => r.category === 'infrastructure unreachable')!.fallback!.test('connect ECONNREFUSED 127.0.0.1:9093')).toBe(true);
  expect(rules.find((r) => r.category === 'budget exceeded')!.fallback!.test('Test timeout of 30000ms exceeded.')).toBe(true);
  expect(rules.flatMap((r) => r.names).sort()).toEqual(Object.keys(ERROR_CLASSES).sort());
});
