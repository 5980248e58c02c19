// Deep partial matching on business keys: how the harness finds its own event/row among staging's other traffic.

/** A predicate criterion: gets the value at that key, says whether it is the one. */
export type Predicate = ((value: any) => boolean) & { description?: string };
export type Criterion = string | number | boolean | null | undefined | bigint | RegExp | Predicate | Criteria | Criterion[];
export interface Criteria {
  [key: string]: Criterion;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RegExp) && !Buffer.isBuffer(v);
}

/**
 * True when `value` has every key of `criteria` with a matching value. Unlisted keys are ignored (a partial
 * match: events carry more than the keys the test knows). Criterion values:
 * - primitives must be strictly equal (`'1'` does not match `1`: a type change is a contract change);
 * - nested objects match recursively;
 * - a RegExp matches a string value;
 * - a function is a predicate on the value;
 * - an array matches an array value that contains, for each criterion element, some matching element.
 * An empty criteria object matches any object, never a non-object.
 */
export function matches(value: unknown, criteria: Criterion): boolean {
  if (typeof criteria === 'function') {
    try {
      return !!criteria(value);
    } catch {
      // A predicate that throws on an unexpected shape (e.g. reading a field of undefined) simply does not match.
      return false;
    }
  }
  if (criteria instanceof RegExp) return typeof value === 'string' && criteria.test(value);
  if (Array.isArray(criteria)) return Array.isArray(value) && criteria.every((c) => value.some((v) => matches(v, c)));
  if (isPlainObject(criteria)) {
    if (!isPlainObject(value)) return false;
    return Object.entries(criteria).every(([k, c]) => matches(value[k], c));
  }
  return Object.is(value, criteria);
}

/** A predicate with a readable description for messages, e.g. `where('at least 1', (n) => n >= 1)`. */
export function where<T = any>(description: string, fn: (value: T) => boolean): Predicate {
  const p = ((v: T) => fn(v)) as Predicate;
  p.description = description;
  return p;
}

/** `tenantId="t-123", asset.type="domain", count=(at least 1)` — the criteria as a person reads them in an error. */
export function describeCriteria(criteria: Criterion): string {
  const parts: string[] = [];
  const walk = (c: Criterion, path: string) => {
    if (isPlainObject(c)) {
      const entries = Object.entries(c);
      if (entries.length === 0) parts.push(`${path || '(root)'}={}`);
      for (const [k, v] of entries) walk(v as Criterion, path ? `${path}.${k}` : k);
      return;
    }
    parts.push(`${path || '(value)'}=${describeValue(c)}`);
  };
  walk(criteria, '');
  return parts.join(', ');
}

function describeValue(c: Criterion): string {
  if (typeof c === 'function') return `(${c.description ?? (c.name ? `${c.name}()` : 'predicate')})`;
  if (c instanceof RegExp) return String(c);
  if (Array.isArray(c)) return `[${c.map((x) => (isPlainObject(x) ? `{${describeCriteria(x)}}` : describeValue(x))).join(', ')}]`;
  if (typeof c === 'bigint') return `${c}n`;
  if (c === undefined) return 'undefined';
  return JSON.stringify(c);
}
