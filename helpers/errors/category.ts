// categoryOf(): the failure category of any error, from its class when the class is known, else a small documented fallback.
import { CATEGORIES, FlowgateError, type Category } from './base';
import { ContractViolation, EventNotObserved } from './events';
import { BudgetExceeded, ConfigError, InfrastructureUnreachable } from './infra';
import { AuthBypass, ProbeServerError, UnexpectedResponse } from './responses';
import { DbStateMismatch, RedisStateMismatch } from './state';
import { isUnreachable, UNREACHABLE_TEXT } from './unreachable';

/** Every typed error class of the harness, keyed by its name (the `name` of its errors). */
export const ERROR_CLASSES = {
  AuthBypass,
  ProbeServerError,
  ContractViolation,
  EventNotObserved,
  UnexpectedResponse,
  DbStateMismatch,
  RedisStateMismatch,
  InfrastructureUnreachable,
  BudgetExceeded,
  ConfigError,
} as const;
export type ErrorName = keyof typeof ERROR_CLASSES;
const NAMES = Object.keys(ERROR_CLASSES) as ErrorName[];
const NAMED = new RegExp(`\\b(${NAMES.join('|')})\\b`);

/**
 * The fallback for an error of no class of ours (a Playwright expect or timeout, a driver's error), in order:
 * one of our class names in its text (an expect.poll/toPass timeout quotes its last inner error, which says why
 * the wait never succeeded), a connection failure (isUnreachable), a Playwright timeout (a budget), an expect matcher.
 * Bounded gaps (.{0,300}, not .*): an unbounded one rescans the rest of the line from every "expect.poll" in it.
 */
export const TIMEOUT_TEXT = /Test timeout of \d+ms exceeded|Timeout \d+ms exceeded|timed out after \d+ms|\bTimeoutError\b|expect\.poll.{0,300}timed out|toPass.{0,300}timed out|Timed out \d+ms waiting for expect/i;
const MATCHER_TEXT = /\bexpect\(|toBe|toEqual|toContain|toMatch|toHave/;

type ErrorLike = { message?: string; name?: string; stack?: string; code?: unknown; cause?: unknown };

/** The class of ours an error is, or names in its text; undefined for anything else. */
export function errorClassOf(errorLike: ErrorLike | undefined | null): ErrorName | undefined {
  if (!errorLike) return undefined;
  if (errorLike.name && errorLike.name in ERROR_CLASSES) return errorLike.name as ErrorName;
  const named = NAMED.exec(`${errorLike.name ?? ''}: ${errorLike.message ?? ''}\n${errorLike.stack ?? ''}`);
  return named ? (named[1] as ErrorName) : undefined;
}

/** Classifies any error (ours, Playwright's, a driver's): by its class, else by the fallback above. */
export function categoryOf(errorLike: ErrorLike | undefined | null): Category {
  if (!errorLike) return 'unknown';
  if (errorLike instanceof FlowgateError) return errorLike.category;
  const cls = errorClassOf(errorLike);
  if (cls) return ERROR_CLASSES[cls].category;
  if (isUnreachable(errorLike) || isUnreachable(errorLike.stack ?? '')) return 'infrastructure unreachable';
  const text = `${errorLike.name ?? ''}: ${errorLike.message ?? ''}\n${errorLike.stack ?? ''}`;
  if (TIMEOUT_TEXT.test(text)) return 'budget exceeded';
  if (MATCHER_TEXT.test(text)) return 'assertion failed';
  return 'unknown';
}

/** A category as a report matches it: the class names of the category, and the fallback text of errors of no class of ours. */
export interface CategoryRule {
  category: Category;
  names: ErrorName[];
  fallback?: RegExp;
}

const FALLBACK_TEXT: Partial<Record<Category, RegExp>> = { 'infrastructure unreachable': UNREACHABLE_TEXT, 'budget exceeded': TIMEOUT_TEXT };

/** One rule per category that some error class has, in CATEGORIES order. */
export function categoryRules(): CategoryRule[] {
  return CATEGORIES.map((category) => ({ category, names: NAMES.filter((n) => ERROR_CLASSES[n].category === category), fallback: FALLBACK_TEXT[category] }))
    .filter((r) => r.names.length > 0)
    .map((r) => (r.fallback ? r : { category: r.category, names: r.names }));
}
