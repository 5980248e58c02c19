// The sign-off file (FLOWGATE_SIGNOFFS): who vouched for a criterion no run can see, when, and where the evidence is; validated with a JSON schema.
import { readFileSync } from 'node:fs';
import type AjvClass from 'ajv';
import { ConfigError } from '../errors';

export const SIGNOFFS_VAR = 'FLOWGATE_SIGNOFFS';

export interface SignOff {
  criterion: number;
  by: string;
  /** YYYY-MM-DD */
  date: string;
  /** a link to the review, ticket or report */
  evidence: string;
  note?: string;
  /** the target the sign-off is for (as reports name it: FLOWGATE_TARGET_NAME, or the kind); absent: any target */
  target?: string;
  /** criterion 1 only: the P0 gap rows the review covered, e.g. [P0-07, P0-08]; a row it does not name stays `needs code review` */
  covers?: string[];
}

/** What a gap row id looks like (compliance matrix §3: P0-01 … P0-10). */
const GAP_ID = '^P0-\\d{2}$';

const SCHEMA = {
  type: 'object',
  required: ['signoffs'],
  additionalProperties: false,
  properties: {
    signoffs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['criterion', 'by', 'date', 'evidence'],
        additionalProperties: false,
        properties: {
          criterion: { type: 'integer' },
          by: { type: 'string', minLength: 1, pattern: '\\S' },
          date: { type: 'string', format: 'date' },
          evidence: { type: 'string', minLength: 1, pattern: '\\S' },
          note: { type: 'string' },
          target: { type: 'string', minLength: 1, pattern: '\\S' },
          covers: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: GAP_ID } },
        },
      },
    },
  },
} as const;

function compileSchema() {
  // ajv itself too: importing it and its formats is ~0.14 CPU-s that a run without a sign-off file does not need
  const Ajv = (require('ajv') as { default: typeof AjvClass }).default;
  const addFormats = (require('ajv-formats') as { default: (a: AjvClass) => AjvClass }).default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(SCHEMA);
}
let compiled: ReturnType<typeof compileSchema> | undefined;
/** Compiled when a sign-off file is read, not at import: a run without one (most) skips 0.1–0.2 CPU-s per process. */
const validator = () => (compiled ??= compileSchema());

/** Where an ajv error points, as a person reads it: `entry 2 (criterion 3): date …`. */
function where(path: string, doc: any): string {
  const m = /^\/signoffs\/(\d+)(\/.*)?$/.exec(path);
  if (!m) return path || '(the file)';
  const entry = doc?.signoffs?.[Number(m[1])];
  const crit = entry && typeof entry === 'object' && entry.criterion !== undefined ? ` (criterion ${JSON.stringify(entry.criterion)})` : '';
  return `entry ${Number(m[1]) + 1}${crit}${m[2] ? ` ${m[2].slice(1)}` : ''}`;
}

/**
 * The sign-offs in a file's text. Every problem at once, each naming the entry: a missing field, a criterion
 * that is not one of `knownCriteria`, a criterion signed twice, a `covers` row that is not one of `knownGaps`.
 * Throws a ConfigError naming FLOWGATE_SIGNOFFS.
 */
export function parseSignoffs(text: string, knownCriteria: readonly number[], file = '(inline)', knownGaps?: readonly string[]): SignOff[] {
  const source = `${SIGNOFFS_VAR} (${file})`;
  let doc: any;
  try {
    // YAML dates stay strings (core schema), so `date: 2026-11-20` is checked as text.
    // yaml, like ajv below, only when there is a file: its import alone is ~0.1 CPU-s a process
    doc = (require('yaml') as typeof import('yaml')).parse(text);
  } catch (err: any) {
    throw new ConfigError([`not valid YAML: ${err.message.split('\n')[0]}`], source);
  }
  const validate = validator();
  if (!validate(doc)) {
    const problems = (validate.errors ?? []).map((e) => {
      const missing = e.keyword === 'required' ? ` is missing ${JSON.stringify((e.params as any).missingProperty)}` : '';
      const extra = e.keyword === 'additionalProperties' ? ` has an unknown field ${JSON.stringify((e.params as any).additionalProperty)}` : '';
      return `${where(e.instancePath, doc)}${missing || extra || ` ${e.message}`}`;
    });
    throw new ConfigError(problems, source);
  }
  const problems: string[] = [];
  const seen = new Set<number>();
  doc.signoffs.forEach((s: SignOff, i: number) => {
    if (!knownCriteria.includes(s.criterion)) problems.push(`entry ${i + 1}: criterion ${s.criterion} is not a compliance matrix §7 criterion (${knownCriteria[0]}–${knownCriteria[knownCriteria.length - 1]})`);
    else if (seen.has(s.criterion)) problems.push(`entry ${i + 1}: criterion ${s.criterion} is signed off twice`);
    seen.add(s.criterion);
    // Only criterion 1 has rows; a list on another criterion would read as a scope it does not have.
    if (s.covers && s.criterion !== 1) problems.push(`entry ${i + 1} (criterion ${s.criterion}): covers lists P0 gap rows, which only criterion 1 has`);
    const unknown = (s.covers ?? []).filter((g) => knownGaps && !knownGaps.includes(g));
    if (unknown.length) problems.push(`entry ${i + 1} (criterion ${s.criterion}): covers names ${unknown.join(', ')}, not a compliance matrix §3 gap (${knownGaps![0]}–${knownGaps![knownGaps!.length - 1]})`);
  });
  if (problems.length) throw new ConfigError(problems, source);
  return doc.signoffs.map((s: SignOff) => ({
    criterion: s.criterion,
    by: s.by,
    date: s.date,
    evidence: s.evidence,
    ...(s.note !== undefined ? { note: s.note } : {}),
    ...(s.target !== undefined ? { target: s.target } : {}),
    ...(s.covers !== undefined ? { covers: s.covers } : {}),
  }));
}

/** The sign-offs named by FLOWGATE_SIGNOFFS, or none when it is unset; an unreadable file is a ConfigError naming the variable. */
export function loadSignoffs(env: Record<string, string | undefined>, knownCriteria: readonly number[], knownGaps?: readonly string[]): SignOff[] {
  const file = env[SIGNOFFS_VAR];
  if (!file) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err: any) {
    throw new ConfigError([`cannot read ${file}: ${err.code ?? err.message}`], SIGNOFFS_VAR);
  }
  return parseSignoffs(text, knownCriteria, file, knownGaps);
}

/** How long a sign-off stands by default (FLOWGATE_SIGNOFF_MAX_AGE_DAYS): a review is of the code as it was then. */
export const SIGNOFF_MAX_AGE_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * Why a sign-off signs nothing for this run, or undefined when it stands: older than `maxAgeDays` on the run's date,
 * dated after it, or made for another target (`target` is compared with the run's target name).
 */
export function signoffLapse(s: Pick<SignOff, 'date' | 'target'>, run: { now: Date; maxAgeDays: number; target: string }): string | undefined {
  const dated = Date.parse(`${s.date}T00:00:00Z`);
  const today = Date.parse(`${run.now.toISOString().slice(0, 10)}T00:00:00Z`);
  if (s.target !== undefined && s.target !== run.target) return `is for target ${s.target}, and this run's target is ${run.target}`;
  if (dated > today) return `is dated ${s.date}, after this run (${run.now.toISOString().slice(0, 10)})`;
  const age = Math.round((today - dated) / DAY_MS);
  if (age > run.maxAgeDays) return `has expired: dated ${s.date}, ${age} days before this run; a sign-off stands ${run.maxAgeDays} days (FLOWGATE_SIGNOFF_MAX_AGE_DAYS)`;
  return undefined;
}
