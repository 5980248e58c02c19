// Criterion 3: the scan of FLOWGATE_SOURCE_DIR finds no hardcoded secret; without a directory there is nothing to see, so a person decides.
import { SECRETS_EVIDENCE } from '../evidence';
import { SOURCE } from '../projects';
import { fromTagged, tagOf, taggedTests } from './shared';
import { type CriterionOutcome, defineCriterion, type RunContext } from './types';

type Finding = { file: string; line: number; rule: string; commit?: string };
type Scan = { scanned?: boolean; given?: boolean; notRun?: string; dir?: string; files?: number; history?: { commits: number; complete: boolean }; findings?: Finding[] };

const at = (f: Finding) => `${f.file}:${f.line}${f.commit ? ` (commit ${f.commit.slice(0, 12)})` : ''} ${f.rule}`;
const history = (d: Scan) => (d.history ? ` and ${d.history.commits} commits of its git history` : '');

function evaluate(ctx: RunContext): CriterionOutcome {
  const scans = taggedTests(ctx, 3).flatMap((t) => t.evidence.filter((e) => e.name === SECRETS_EVIDENCE)).map((e) => e.data as Scan | undefined);
  const decided = fromTagged(3, () => ({ status: 'not-run', detail: 'the secret scan did not run (project source)', evidence: [] }))(ctx);
  const findings = scans.flatMap((d) => d?.findings ?? []);
  // The findings themselves (file:line, the commit when only the history has it, rule; the value is never kept), not only the test's first error line.
  if (decided.status === 'fail' && findings.length) return { ...decided, detail: `${findings.length} hardcoded secret(s): ${findings.map(at).join('; ')}` };
  if (decided.status !== 'pass') return decided;
  if (scans.length === 0) return { ...decided, status: 'not-run', detail: 'the secret scan passed but recorded no evidence of what it scanned' };
  // A source was given but nothing in it was scanned (empty, wrong, or no service source; history cut short): fail closed.
  const notRun = scans.filter((d) => d?.given && (d.notRun || !d.scanned));
  if (notRun.length) return { ...decided, status: 'not-run', detail: notRun.map((d) => `FLOWGATE_SOURCE_DIR given but not scanned: ${d!.notRun ?? 'no scan result'}`).join('; ') };
  if (scans.some((d) => !d?.scanned)) return { ...decided, status: 'awaiting-sign-off', detail: 'FLOWGATE_SOURCE_DIR not set: the deployed source was not scanned; a sign-off decides' };
  return { ...decided, detail: scans.map((d) => `secretlint (recommended preset, database connection strings) and flowgate rules: ${d!.files} files in ${d!.dir}${history(d!)}, no finding`).join('; ') };
}

export default defineCriterion({
  id: 3,
  title: 'No hardcoded secrets in any deployed service',
  verification: 'grep audit of docker-compose, .env, source',
  decidedBy: 'evidence or sign-off',
  checks: [{ project: SOURCE, tag: tagOf(3), what: 'no hardcoded secrets in the deployed source' }],
  evaluate,
});
