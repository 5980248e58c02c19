// What a run checks without the target: no hardcoded secret in the deployed source (criterion 3), the P0 gaps its source decides (P0-06, P0-07, P0-10), and contracts changed only additively since 1.0 (criterion 11).
import { test, expect } from '../fixtures';
import { loadContractFile } from '../contracts';
import { diffAsyncApi, diffOpenApi } from '../helpers/contract-diff';
import { evidenceAttachment, type Evidence, FREEZE_EVIDENCE, GAP_SOURCE_EVIDENCE, SECRETS_EVIDENCE } from '../helpers/verdict/evidence';
import { readSourceTree, scanForSecrets, type ScanResult, type SourceTree } from '../helpers/scan/secret-scan';
import { type GapId, gapTag } from '../contracts/p0-gaps';
import { criterionTag } from '../helpers/verdict/criteria';
import { triggerTag } from '../helpers/verdict/triggers';
import { loadConfig } from '../helpers/config/load';
import { composeEnvSecretsRule, csrfKeyRule, dbSslRule, formatHit, type GapDecision } from '../helpers/scan/gap-rules';

// The source is read from disk: the target is never sent anything, so no wire check and no observer.
test.use({ wireCheck: false });
// A check, not a flow: a minute, whatever FLOWGATE_FLOW_BUDGET_MS gives the flows it shares the gate's workers with.
test.describe.configure({ timeout: 60_000 });

async function record(e: Evidence) {
  const a = evidenceAttachment(e);
  await test.info().attach(a.name, { body: a.body, contentType: a.contentType });
}

const dir = loadConfig().settings.FLOWGATE_SOURCE_DIR;
const NOT_GIVEN = 'FLOWGATE_SOURCE_DIR not set: the deployed source was not given, nothing scanned';

// One read and one scan of the source per worker, shared by criterion 3 and the P0-06/07/10 rules (the tests of this file run in order in one worker).
let scanned: Promise<{ tree: SourceTree; scan: ScanResult }> | undefined;
const source = (d: string) => (scanned ??= (async () => {
  const tree = readSourceTree(d);
  return { tree, scan: await scanForSecrets(tree) };
})());

/** The source's scan, or why there is none (a wrong directory, nothing that is a service's source): that is not-run, never a pass. */
async function given(d: string): Promise<{ tree: SourceTree; scan: ScanResult } | { notRun: string }> {
  try {
    const s = await source(d);
    return s.scan.status === 'not-run' ? { notRun: s.scan.reason ?? 'nothing scanned' } : s;
  } catch (e) {
    return { notRun: (e as Error).message };
  }
}

const where = (f: { file: string; line: number; commit?: string }) => `${f.file}:${f.line}${f.commit ? ` (commit ${f.commit.slice(0, 12)})` : ''}`;

test('3. No hardcoded secrets in the deployed source — secretlint and flowgate rules over FLOWGATE_SOURCE_DIR and its git history', { tag: [criterionTag(3), triggerTag('hardcoded-secret')] }, async () => {
  const step = 'S. Scan compose files, .env files, Dockerfiles, config and source — FLOWGATE_SOURCE_DIR';
  await test.step(step, async () => {
    if (!dir) {
      // Nothing to scan is not a pass: the criterion waits for a sign-off.
      await record({ kind: 'probe', step, name: SECRETS_EVIDENCE, summary: NOT_GIVEN, data: { scanned: false } });
      return;
    }
    const s = await given(dir);
    if ('notRun' in s) {
      await record({ kind: 'probe', step, name: SECRETS_EVIDENCE, summary: `not scanned: ${s.notRun}`, data: { scanned: false, given: true, dir, notRun: s.notRun } });
      return;
    }
    const r = s.scan;
    const findings = r.findings.map((f) => `${where(f)} ${f.rule}: ${f.message}`);
    const history = r.history ? `; git history: ${r.history.commits} commits${r.history.complete ? '' : ` (incomplete: ${r.history.reason})`}` : '; not a git checkout, no history';
    // An incomplete history with nothing found does not show the criterion met.
    const notRun = !findings.length && r.history && !r.history.complete ? `git history not fully scanned: ${r.history.reason}` : undefined;
    await record({ kind: 'probe', step, name: SECRETS_EVIDENCE, summary: `${r.files} files scanned in ${dir}${history}: ${r.findings.length} finding(s)`, data: { scanned: !notRun, given: true, dir, files: r.files, kinds: r.kinds, history: r.history, findings: r.findings, ...(notRun ? { notRun } : {}) } });
    expect(findings, `hardcoded secrets in ${dir} (values masked)`).toEqual([]);
  });
});

/** The compliance matrix §3's gaps a scan of the given source decides; without a source, or without the files a rule reads, a code review still decides. */
const GAP_RULES: { gap: GapId; tag: string; title: string; decide(s: { tree: SourceTree; scan: ScanResult }): GapDecision }[] = [
  { gap: 'P0-06', tag: gapTag('P0-06'), title: 'P0-06. DB_SSL defaults to on: no DB_SSL=false, ssl: false, sslmode=disable or opt-in DB_SSL in the source — FLOWGATE_SOURCE_DIR', decide: (s) => dbSslRule(s.tree.files) },
  { gap: 'P0-07', tag: gapTag('P0-07'), title: 'P0-07. No secret hardcoded in a compose file or a committed .env file — FLOWGATE_SOURCE_DIR', decide: (s) => composeEnvSecretsRule(s.tree.files, s.scan.findings) },
  { gap: 'P0-10', tag: gapTag('P0-10'), title: 'P0-10. CSRF_ENCRYPTION_KEY has no random fallback — FLOWGATE_SOURCE_DIR', decide: (s) => csrfKeyRule(s.tree.files) },
];

for (const g of GAP_RULES) {
  test(g.title, { tag: [g.tag] }, async () => {
    const step = `G. ${g.gap} rule over the source`;
    await test.step(step, async () => {
      const undecided = (reason: string) => record({ kind: 'probe', step, name: GAP_SOURCE_EVIDENCE, summary: `${g.gap} not decided by the source: ${reason}`, data: { gap: g.gap, decided: false, reason, relevant: [], hits: [] } });
      if (!dir) return undecided(NOT_GIVEN);
      const s = await given(dir);
      if ('notRun' in s) return undecided(s.notRun);
      let d = g.decide(s);
      if (g.gap === 'P0-07' && d.decided && !d.hits.length && s.scan.history && !s.scan.history.complete) d = { ...d, decided: false, reason: `git history not fully scanned: ${s.scan.history.reason}` };
      const summary = !d.decided ? `${g.gap} not decided by the source: ${d.reason}` : d.hits.length ? `${g.gap} open: ${d.hits.map(formatHit).join('; ')}` : `${g.gap}: nothing found in ${d.relevant.join(', ')}`;
      await record({ kind: 'probe', step, name: GAP_SOURCE_EVIDENCE, summary, data: d });
      expect(d.hits.map(formatHit), `${g.gap} in ${dir}`).toEqual([]);
    });
  });
}

test('11. Contracts changed only additively since the frozen 1.0 baseline — contracts/frozen/', { tag: [criterionTag(11)] }, async () => {
  const step = 'F. Compare contracts/*.yaml with contracts/frozen/ — additive-only (compliance matrix §6)';
  await test.step(step, async () => {
    // parsed as in contracts/index.ts: the YAML's parse is kept by the hash of the text, so it is these files' content
    const yaml = (...p: string[]) => loadContractFile(p.join('/'));
    const breaking = [...diffOpenApi(yaml('frozen', 'openapi.yaml'), yaml('openapi.yaml')), ...diffAsyncApi(yaml('frozen', 'asyncapi.yaml'), yaml('asyncapi.yaml'))];
    await record({ kind: 'probe', step, name: FREEZE_EVIDENCE, summary: `openapi.yaml and asyncapi.yaml against their 1.0 baseline: ${breaking.length} breaking change(s)`, data: { breaking } });
    expect(breaking.map((b) => `${b.rule} at ${b.path}: ${b.detail}`), 'breaking changes since the frozen 1.0 contracts').toEqual([]);
  });
});
