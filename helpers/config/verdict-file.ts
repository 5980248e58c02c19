// The one reader of go-no-go.json: the verdict a run wrote, typed and checked, or an error saying why there is none.
import { existsSync, readFileSync } from 'node:fs';

/** A criterion row as go-no-go.json carries it. */
export interface VerdictFileCriterion {
  id: number;
  title: string;
  status: string;
  detail?: string;
}

/** go-no-go.json as its readers use it (tolerant of fields added later: older and newer verdicts both read). */
export interface VerdictFile {
  verdict: 'GO' | 'NO-GO';
  /** the process exit the verdict implies: 0 GO, 1 NO-GO, 2 could not evaluate */
  exitCode?: number;
  couldNotEvaluate?: boolean;
  release?: 'ready' | 'awaiting-sign-off' | string;
  awaitingSignOff?: number[];
  target?: { name?: string; kind?: string; kongUrl?: string };
  runId?: string;
  startedAt?: string;
  criteria?: VerdictFileCriterion[];
  triggers?: { id: string; fired?: boolean; detail?: string }[];
  flows?: { name: string; status: string; failingStep?: { title?: string; error?: string } }[];
  notes?: string[];
  sinceLastGo?: { runId: string; newFailures: string[]; fixed: string[]; stillFailing: string[] };
  [field: string]: unknown;
}

/** Why a verdict file could not be read: missing, not JSON, or JSON that is not a verdict. */
export class VerdictFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: 'missing' | 'not-json' | 'not-a-verdict',
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'VerdictFileError';
  }
}

const arrayOrAbsent = (v: unknown) => v === undefined || Array.isArray(v);

/** What makes `v` not a verdict (undefined when it is one). */
export function verdictShapeProblem(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return `expected a JSON object, got ${Array.isArray(v) ? 'an array' : typeof v}`;
  const o = v as Record<string, unknown>;
  if (o.verdict !== 'GO' && o.verdict !== 'NO-GO') return `expected "verdict": "GO" or "NO-GO", got ${JSON.stringify(o.verdict)?.slice(0, 40)}`;
  if (o.exitCode !== undefined && ![0, 1, 2].includes(o.exitCode as number)) return `expected "exitCode" 0, 1 or 2, got ${JSON.stringify(o.exitCode)?.slice(0, 40)}`;
  for (const k of ['criteria', 'triggers', 'flows', 'notes', 'awaitingSignOff']) if (!arrayOrAbsent(o[k])) return `expected "${k}" to be an array`;
  return undefined;
}

/** Reads and checks go-no-go.json at `file`: the verdict, or a VerdictFileError (never thrown) saying why there is none. */
export function readVerdictFile(file: string): VerdictFile | VerdictFileError {
  if (!existsSync(file)) return new VerdictFileError(file, 'missing', 'no verdict was written');
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return new VerdictFileError(file, 'not-json', `is not valid JSON (${(e as Error).message})`);
  }
  const problem = verdictShapeProblem(v);
  return problem ? new VerdictFileError(file, 'not-a-verdict', `is not a verdict: ${problem}`) : (v as VerdictFile);
}

/** The verdict, or undefined when there is none (for readers that say "no verdict" themselves). */
export function verdictOrUndefined(file: string): VerdictFile | undefined {
  const v = readVerdictFile(file);
  return v instanceof VerdictFileError ? undefined : v;
}
