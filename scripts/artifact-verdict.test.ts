// Unit tests of the run's closing scan: go-no-go.json/md gain the artifact scan, a finding turns any exit into 2, a clean scan keeps the exit, and nothing printed holds the secret.
import { test, expect } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanRunArtifacts } from './artifact-verdict';

const SECRET = 'sasl-Pa55word-for-the-test';
const MD = '# Go/No-Go: **GO — release ready — target embedded**\n\n- target: embedded\n- exit code: 0\n- flaky passes count as NO-GO\n\n## Criteria (compliance matrix §7)\n\n| # | criterion |\n';

function run(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'flowgate-root-'));
  const reports = join(root, 'reports');
  mkdirSync(reports);
  writeFileSync(join(reports, 'go-no-go.json'), JSON.stringify({ verdict: 'GO', exitCode: 0, notes: [] }));
  writeFileSync(join(reports, 'go-no-go.md'), MD);
  for (const [f, body] of Object.entries(files)) {
    mkdirSync(join(reports, f, '..'), { recursive: true });
    writeFileSync(join(reports, f), body);
  }
  return { root, reports };
}

test('a clean run keeps its exit; the verdict carries the scan (files, bytes, no findings) in the JSON and the Markdown', async () => {
  const { root, reports } = run({ 'junit.xml': '<testsuites/>', 'allure-results/a-result.json': '{"name":"x"}' });
  try {
    const lines: string[] = [];
    const exit = await scanRunArtifacts({ reportsDir: reports, root, secrets: [{ kind: 'KAFKA_SASL_PASSWORD', value: SECRET }], exit: 1, log: (l) => lines.push(l) });
    expect(exit).toBe(1);
    const v = JSON.parse(readFileSync(join(reports, 'go-no-go.json'), 'utf8'));
    expect(v.artifactScan).toMatchObject({ files: 4, findings: [], unreadable: [], clean: true, secretsSearched: 1 });
    expect(v.artifactScan.bytes).toBeGreaterThan(0);
    expect(v.exitCode).toBe(0);
    const md = readFileSync(join(reports, 'go-no-go.md'), 'utf8');
    expect(md).toContain('## Artifact scan');
    expect(md).toContain('no secret found');
    expect(md.indexOf('## Artifact scan')).toBeLessThan(md.indexOf('## Criteria'));
    expect(lines.join('\n')).toMatch(/artifact scan: 4 file\(s\), .*: no secret found/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a secret in an artifact makes the exit 2, names the file in the JSON, the Markdown and the console, and never shows the value', async () => {
  const { root, reports } = run({ 'leak/notes.txt': `password is ${SECRET}` });
  try {
    const lines: string[] = [];
    const exit = await scanRunArtifacts({ reportsDir: reports, root, secrets: [{ kind: 'KAFKA_SASL_PASSWORD', value: SECRET }], exit: 0, log: (l) => lines.push(l) });
    expect(exit).toBe(2);
    const json = readFileSync(join(reports, 'go-no-go.json'), 'utf8');
    const v = JSON.parse(json);
    expect(v.exitCode).toBe(2);
    expect(v.artifactScan.findings).toEqual([{ file: 'leak/notes.txt', kind: 'KAFKA_SASL_PASSWORD', form: 'plain', masked: `sa…(${SECRET.length} chars)`, where: 'content', count: 1 }]);
    expect(v.notes[0]).toContain('leak/notes.txt');
    const md = readFileSync(join(reports, 'go-no-go.md'), 'utf8');
    expect(md).toContain("exit 2: this run's own artifacts hold a secret");
    expect(md).toContain("- exit code: 2 (the run's artifacts hold a secret)");
    expect(md).toContain('| leak/notes.txt | KAFKA_SASL_PASSWORD | plain |');
    const out = lines.join('\n');
    expect(out).toContain('leak/notes.txt: KAFKA_SASL_PASSWORD');
    expect(out).toContain('do not upload them (exit 2)');
    for (const text of [json, md, out]) expect(text).not.toContain(SECRET);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
