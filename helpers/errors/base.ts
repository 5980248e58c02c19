// The failure categories and FlowgateError, the base of the harness's typed errors: a category and an unreachable flag per class, and the fields the verdict reads.

/**
 * Failure categories, as a person reads them (they appear in go-no-go.json and as Allure categories).
 * 'assertion failed' is a plain expect() failure the harness did not classify further; 'unknown' is anything else.
 */
export const CATEGORIES = [
  'auth bypass',
  // a protected route that errors (5xx) on an unauthenticated, forged or other tenant's request instead of refusing it
  'auth probe error',
  'contract violation',
  'event not observed',
  'unexpected response',
  'database state',
  'infrastructure unreachable',
  'budget exceeded',
  'configuration',
  'assertion failed',
  'unknown',
] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * What an error carries for the verdict beside its message: short scalars (names, ids, counts, statuses), never a
 * payload, so it can sit in a structured failure that reaches the report.
 */
export type FailureDetails = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

export abstract class FlowgateError extends Error {
  /** the failure category of every error of the class (categoryOf and the Allure categories read it) */
  static readonly category: Category = 'unknown';
  /** true when errors of the class mean a part could not be reached (connection refused, timed out, unknown host) */
  static readonly unreachable: boolean = false;
  /** what the check asked, expected and observed: each typed error fills these (the verdict reads them, not the message) */
  probe = '';
  expected = '';
  observed = '';
  /** the class's own fields the verdict decides by (a contract violation's source and topic, a DB probe's name …) */
  abstract readonly details: FailureDetails;
  constructor(name: string, detail: string) {
    // The message is the detail alone: Playwright, Allure and String(err) all print "<name>: <message>".
    super(detail);
    // The class name, not 'Error', so categoryOf() and people can tell the kinds apart from the text alone.
    this.name = name;
    if (typeof this.stack === 'string') this.stack = this.stack.replace(/^Error: /, `${name}: `);
  }

  get category(): Category {
    return (this.constructor as typeof FlowgateError).category;
  }

  get unreachable(): boolean {
    return (this.constructor as typeof FlowgateError).unreachable;
  }
}

/** 'row' → 'rows' when n is not one. */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
