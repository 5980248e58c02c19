// The probe profile's checks: its JSON schema, and every cleanup statement parsed by PostgreSQL's own parser (libpg-query) and refused unless it deletes only by the test's own ids.
import Ajv from 'ajv';
import { ConfigError } from '../errors';

/**
 * The ids a cleanup statement may be reached from: what a test (or the sweep) can prove it created. `email` is the
 * run-tagged address the harness chose itself; `tenantId` rows are deleted only once the harness has proven the tenant
 * holds nothing but the test's own accounts; the others are ids of resources the test created with its own token.
 */
export const CLEANUP_KEYS = ['email', 'tenantId', 'assetId', 'scanId', 'sessionId', 'paymentId'] as const;
export type CleanupKey = (typeof CLEANUP_KEYS)[number];

export interface CleanupDelete {
  /** the database's variable (AUTH_DB_URL …) */
  db: string;
  /** the id $1 is bound to (an array of that id's values) */
  by: CleanupKey;
  /** the most rows one value of `by` may reach; more rolls the database's cleanup back */
  max: number;
  sql: string;
  /** the table it deletes from (from the parse; the sweep counts by it) */
  table: string;
}

export interface CleanupQuery {
  db: string;
  sql: string;
}

export interface CleanupSpec {
  /** the users of the tenants in $1 (columns tenant_id, email): the harness decides ownership from them */
  tenantUsers: CleanupQuery;
  /** the harness's accounts (columns email, tenant_id, created_at), for npm run sweep; bounded by a LIMIT */
  accounts: CleanupQuery;
  delete: CleanupDelete[];
}

const DB_KEY = { type: 'string', pattern: '^[A-Z][A-Z0-9_]*_DB_URL$' } as const;
const QUERY = { type: 'object', required: ['db', 'sql'], additionalProperties: false, properties: { db: DB_KEY, sql: { type: 'string', minLength: 1 } } } as const;

export const PROFILE_SCHEMA = {
  type: 'object',
  required: ['name', 'probes', 'cleanup'],
  additionalProperties: false,
  patternProperties: { '^_': {} },
  properties: {
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    probes: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['db', 'params', 'sql'],
        additionalProperties: false,
        properties: { db: DB_KEY, params: { type: 'array', items: { type: 'string', minLength: 1 } }, sql: { type: 'string', minLength: 1 } },
      },
    },
    redis: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
    cleanup: {
      type: 'object',
      required: ['tenantUsers', 'accounts', 'delete'],
      additionalProperties: false,
      patternProperties: { '^_': {} },
      properties: {
        tenantUsers: QUERY,
        accounts: QUERY,
        delete: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['db', 'by', 'sql'],
            additionalProperties: false,
            properties: {
              db: DB_KEY,
              by: { enum: [...CLEANUP_KEYS] },
              max: { type: 'integer', minimum: 1, maximum: 10_000 },
              sql: { type: 'string', minLength: 1 },
            },
          },
        },
      },
    },
  },
} as const;

let validateShape: ReturnType<Ajv['compile']> | undefined;

/** The schema's complaints about a parsed profile, each naming where (`cleanup/delete/3: must have …`). */
export function profileShapeProblems(doc: unknown): string[] {
  // Compiled on first use: a worker that finds the profile already checked (fixtures/probes.ts) never pays for it.
  validateShape ??= new Ajv({ allErrors: true, strict: false }).compile(PROFILE_SCHEMA);
  if (validateShape(doc)) return [];
  return (validateShape.errors ?? []).map((e) => {
    const at = e.instancePath.slice(1) || '(the file)';
    if (e.keyword === 'required') return `${at} is missing "${(e.params as any).missingProperty}"`;
    if (e.keyword === 'additionalProperties') return `${at} has an unknown field "${(e.params as any).additionalProperty}"`;
    if (e.keyword === 'enum') return `${at} must be one of ${(e.params as any).allowedValues.join(', ')}`;
    return `${at} ${e.message}`;
  });
}

// ---- the SQL checks, on PostgreSQL's own parse tree ----

type Node = Record<string, any>;
let parser: { parseSync(sql: string): { stmts: { stmt: Node }[] } } | undefined;

/** Loads PostgreSQL's parser (WebAssembly, ~20 ms) once per process. */
export async function loadSqlParser(): Promise<void> {
  if (parser) return;
  const m = require('libpg-query');
  await m.loadModule();
  parser = m;
}

function parse(sql: string): { stmts?: Node[]; problem?: string } {
  if (!parser) throw new Error('loadSqlParser() must be awaited before a statement is checked');
  try {
    return { stmts: parser.parseSync(sql).stmts.map((s) => s.stmt) };
  } catch (err: any) {
    return { problem: `is not valid PostgreSQL: ${String(err?.message ?? err)}` };
  }
}

/** Every node of a parse tree, depth first, with its type name (DeleteStmt, ParamRef …). */
function* nodes(n: unknown): Generator<[string, Node]> {
  if (Array.isArray(n)) for (const x of n) yield* nodes(x);
  else if (n && typeof n === 'object') {
    for (const [k, v] of Object.entries(n)) {
      if (/^[A-Z]/.test(k) && v && typeof v === 'object' && !Array.isArray(v)) yield [k, v as Node];
      yield* nodes(v);
    }
  }
}

const str = (n: Node | undefined): string | undefined => n?.String?.sval;

/** The column a ColumnRef names, when it is `col` or `<table or alias>.col` of the given relation. */
function ownColumn(expr: Node | undefined, names: string[]): string | undefined {
  const fields: Node[] | undefined = expr?.ColumnRef?.fields;
  if (!fields) return undefined;
  if (fields.length === 1) return str(fields[0]);
  if (fields.length === 2 && names.includes(str(fields[0]) ?? '')) return str(fields[1]);
  return undefined;
}

function isParam1(expr: Node | undefined): boolean {
  if (expr?.TypeCast) return isParam1(expr.TypeCast.arg);
  return expr?.ParamRef?.number === 1;
}

/**
 * Whether a predicate confines the relation's rows to the ids in $1: `col = ANY($1)`, or `col IN (SELECT c FROM t
 * WHERE <a predicate that confines t's rows to $1>)`.
 */
function binds(pred: Node | undefined, names: string[]): boolean {
  if (!pred) return false;
  const a = pred.A_Expr;
  if (a && a.kind === 'AEXPR_OP_ANY' && str(a.name?.[0]) === '=' && ownColumn(a.lexpr, names) && isParam1(a.rexpr)) return true;
  const s = pred.SubLink;
  if (s && s.subLinkType === 'ANY_SUBLINK' && ownColumn(s.testexpr, names) && s.subselect?.SelectStmt) {
    const sel = s.subselect.SelectStmt;
    const from = sel.fromClause ?? [];
    if (sel.withClause || from.length !== 1 || !from[0].RangeVar || (sel.targetList ?? []).length !== 1 || sel.op !== 'SETOP_NONE') return false;
    const rv = from[0].RangeVar;
    return whereBinds(sel.whereClause, [rv.relname, ...(rv.alias?.aliasname ? [rv.alias.aliasname] : [])]);
  }
  return false;
}

/** A WHERE binds when it is a binding predicate or an AND of conjuncts one of which binds (an OR could widen it). */
function whereBinds(where: Node | undefined, names: string[]): boolean {
  if (!where) return false;
  if (where.BoolExpr?.boolop === 'AND_EXPR') return where.BoolExpr.args.some((arg: Node) => whereBinds(arg, names));
  return binds(where, names);
}

/** What no cleanup statement may contain anywhere: other parameters, function calls (they can do anything), CTEs. */
function commonProblems(stmt: Node, params: 0 | 1): string | undefined {
  let sawParam = false;
  for (const [type, n] of nodes(stmt)) {
    if (type === 'ParamRef') {
      if (n.number !== 1 || params === 0) return params === 0 ? 'takes no parameter' : `may use only $1 (the ids), not $${n.number}`;
      sawParam = true;
    }
    if (type === 'FuncCall') return `calls a function (${(n.funcname ?? []).map(str).join('.')}), which the harness cannot prove harmless`;
    if ((type === 'SelectStmt' || type === 'DeleteStmt') && n.withClause) return 'has a WITH clause (a CTE can hide another statement)';
  }
  if (params === 1 && !sawParam) return 'does not use $1, the ids it is reached from';
  return undefined;
}

function single(sql: string): { stmt?: Node; problem?: string } {
  const parsed = parse(sql);
  if (parsed.problem) return { problem: parsed.problem };
  if (parsed.stmts!.length !== 1) return { problem: `must be one statement, found ${parsed.stmts!.length}` };
  return { stmt: parsed.stmts![0] };
}

/** Why a cleanup statement is refused, or undefined with the table it deletes from. */
export function checkCleanupDelete(sql: string): { problem?: string; table?: string } {
  const { stmt, problem } = single(sql);
  if (problem) return { problem };
  const kind = Object.keys(stmt!)[0];
  if (kind !== 'DeleteStmt') return { problem: `must be a DELETE, found ${kind.replace(/Stmt$/, '').toUpperCase()}` };
  const d = stmt!.DeleteStmt;
  if (d.withClause) return { problem: 'has a WITH clause (a CTE can hide another statement)' };
  if (d.usingClause?.length) return { problem: 'has a USING clause (a join can reach rows the ids do not)' };
  if (!d.whereClause) return { problem: 'has no WHERE: it would delete every row of the table' };
  const names = [d.relation.relname, ...(d.relation.alias?.aliasname ? [d.relation.alias.aliasname] : [])];
  const common = commonProblems(stmt!, 1);
  if (common) return { problem: common };
  if (!whereBinds(d.whereClause, names))
    return { problem: `its WHERE does not bind the table's rows to the test's own ids: it needs a conjunct "<column> = ANY($1)" or "<column> IN (SELECT … WHERE <column> = ANY($1))" (not under OR)` };
  return { table: d.relation.schemaname ? `${d.relation.schemaname}.${d.relation.relname}` : d.relation.relname };
}

/** Why a cleanup query (tenantUsers: binds $1; accounts: no parameter, a LIMIT) is refused. */
export function checkCleanupSelect(sql: string, role: 'tenantUsers' | 'accounts'): string | undefined {
  const { stmt, problem } = single(sql);
  if (problem) return problem;
  const kind = Object.keys(stmt!)[0];
  if (kind !== 'SelectStmt') return `must be a SELECT, found ${kind.replace(/Stmt$/, '').toUpperCase()}`;
  const s = stmt!.SelectStmt;
  if (s.lockingClause?.length && role === 'accounts') return 'must not lock rows';
  if (s.intoClause) return 'must not be SELECT INTO';
  const common = commonProblems(stmt!, role === 'tenantUsers' ? 1 : 0);
  if (common) return common;
  if (role === 'accounts' && !s.limitCount) return 'needs a LIMIT (the sweep reads a bounded list)';
  if (role === 'tenantUsers') {
    const from = s.fromClause ?? [];
    const rv = from.length === 1 ? from[0].RangeVar : undefined;
    if (!rv || !whereBinds(s.whereClause, [rv.relname, ...(rv.alias?.aliasname ? [rv.alias.aliasname] : [])])) return 'must read one table WHERE <tenant column> = ANY($1)';
  }
  return undefined;
}

/**
 * The profile's cleanup, checked: the schema, then each statement against PostgreSQL's parser. Throws one ConfigError
 * naming the file and every refused statement.
 */
export async function validateProfile(doc: any, file: string): Promise<CleanupSpec> {
  const source = `FLOWGATE_PROFILE (${file})`;
  const shape = profileShapeProblems(doc);
  if (shape.length) throw new ConfigError(shape, source);
  await loadSqlParser();
  const problems: string[] = [];
  const c = doc.cleanup;
  for (const role of ['tenantUsers', 'accounts'] as const) {
    const p = checkCleanupSelect(c[role].sql, role);
    if (p) problems.push(`cleanup.${role} ${p}: ${c[role].sql}`);
  }
  const deletes: CleanupDelete[] = [];
  c.delete.forEach((d: any, i: number) => {
    const r = checkCleanupDelete(d.sql);
    if (r.problem) problems.push(`cleanup.delete[${i}] (${d.db}) ${r.problem}: ${d.sql}`);
    else deletes.push({ db: d.db, by: d.by, max: d.max ?? 1, sql: d.sql, table: r.table! });
  });
  if (problems.length) throw new ConfigError(problems, source);
  return { tenantUsers: c.tenantUsers, accounts: c.accounts, delete: deletes };
}
