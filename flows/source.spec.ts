// What a run checks without the target: no hardcoded secret in the deployed source (criterion 3) and contracts changed only additively since 1.0 (criterion 11).
import { test, expect } from '@playwright/test';
import { loadContractFile } from '../contracts';
import { diffAsyncApi, diffOpenApi } from '../helpers/contract-diff';
import { evidenceAttachment, type Evidence, FREEZE_EVIDENCE, SECRETS_EVIDENCE } from '../helpers/evidence';
import { scanForSecrets } from '../fixtures/secret-scan';

async function record(e: Evidence) {
  const a = evidenceAttachment(e);
  await test.info().attach(a.name, { body: a.body, contentType: a.contentType });
}

test('3. No hardcoded secrets in the deployed source — secretlint (recommended preset) over FLOWGATE_SOURCE_DIR', { tag: ['@criterion-3', '@trigger-hardcoded-secret'] }, async () => {
  const step = 'S. Scan compose files, .env files and source — FLOWGATE_SOURCE_DIR';
  const dir = process.env.FLOWGATE_SOURCE_DIR;
  await test.step(step, async () => {
    if (!dir) {
      // Nothing to scan is not a pass: the criterion waits for a sign-off.
      await record({ kind: 'probe', step, name: SECRETS_EVIDENCE, summary: 'FLOWGATE_SOURCE_DIR not set: the deployed source was not given, nothing scanned', data: { scanned: false } });
      return;
    }
    const r = await scanForSecrets(dir);
    const findings = r.findings.map((f) => `${f.file}:${f.line} ${f.rule}: ${f.message}`);
    await record({ kind: 'probe', step, name: SECRETS_EVIDENCE, summary: `${r.files} files scanned in ${dir}: ${r.findings.length} finding(s)`, data: { scanned: true, dir, files: r.files, findings: r.findings } });
    expect(findings, `hardcoded secrets in ${dir} (values masked)`).toEqual([]);
  });
});

test('11. Contracts changed only additively since the frozen 1.0 baseline — contracts/frozen/', { tag: ['@criterion-11'] }, async () => {
  const step = 'F. Compare contracts/*.yaml with contracts/frozen/ — additive-only (seed §6)';
  await test.step(step, async () => {
    // parsed as in contracts/index.ts: the YAML's parse is kept by the hash of the text, so it is these files' content
    const yaml = (...p: string[]) => loadContractFile(p.join('/'));
    const breaking = [...diffOpenApi(yaml('frozen', 'openapi.yaml'), yaml('openapi.yaml')), ...diffAsyncApi(yaml('frozen', 'asyncapi.yaml'), yaml('asyncapi.yaml'))];
    await record({ kind: 'probe', step, name: FREEZE_EVIDENCE, summary: `openapi.yaml and asyncapi.yaml against their 1.0 baseline: ${breaking.length} breaking change(s)`, data: { breaking } });
    expect(breaking.map((b) => `${b.rule} at ${b.path}: ${b.detail}`), 'breaking changes since the frozen 1.0 contracts').toEqual([]);
  });
});
