// The end of every run (npm run smoke, npm run merge-reports): scan the run's own artifacts once every writer is done, put the result in go-no-go.json/md, and exit 2 when they hold a secret.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { outputsIn } from '../helpers/config/paths';
import { readVerdictFile, VerdictFileError } from '../helpers/config/verdict-file';
import { scanArtifacts, type ArtifactScan, type KnownSecret } from '../helpers/scan/artifact-scan';

export interface ArtifactVerdict extends ArtifactScan {
  /** how many known values were searched for (never the values) */
  secretsSearched: number;
  patterns: string;
  /** true when nothing was found and every file could be read */
  clean: boolean;
}

const PATTERNS = 'secretlint preset-recommend';
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** One line for the console: what was scanned and whether it is clean. */
export function scanLine(s: ArtifactVerdict): string {
  const what = `${s.files} file(s)${s.entries ? ` (${s.entries} zip entries)` : ''}, ${mb(s.bytes)}, searched for ${s.secretsSearched} known secret(s) and ${PATTERNS} in ${(s.durationMs / 1000).toFixed(2)} s`;
  if (s.clean) return `artifact scan: ${what}: no secret found`;
  const parts = [
    ...s.findings.map((f) => `${f.file}${f.where === 'content' ? '' : ` (${f.where})`}: ${f.kind}${f.form && f.form !== 'plain' ? `, ${f.form}` : ''} ${f.masked}${f.count > 1 ? ` ×${f.count}` : ''}`),
    ...s.unreadable.map((u) => `${u.file}: could not be read completely (${u.reason})`),
  ];
  return `artifact scan: ${what}: ${s.findings.length ? `${s.findings.length} SECRET(S) FOUND` : 'INCOMPLETE'}\n${parts.map((p) => `  - ${p}`).join('\n')}`;
}

/** go-no-go.md with the scan: a line under the headline when it failed, the exit code corrected, and its own section before the first. */
export function withArtifactScan(markdown: string, s: ArtifactVerdict, exitCode: number): string {
  const lines = markdown.replace(/\n$/, '').split('\n');
  const section = ['## Artifact scan', ''];
  section.push(
    `- ${s.files} file(s)${s.entries ? ` and ${s.entries} zip entries` : ''} (${mb(s.bytes)}) searched for ${s.secretsSearched} known secret(s) (configuration, tokens and passwords the run obtained) and ${PATTERNS}, in ${(s.durationMs / 1000).toFixed(2)} s: ${s.clean ? 'no secret found' : s.findings.length ? `**${s.findings.length} secret(s) found**` : '**incomplete**'}`,
  );
  if (s.findings.length) {
    section.push('', '| file | what | form | value (masked) | count |', '|---|---|---|---|---|');
    for (const f of s.findings) section.push(`| ${md(f.file)}${f.where === 'content' ? '' : ` (${f.where})`} | ${md(f.kind)} | ${f.form ?? ''} | ${md(f.masked)} | ${f.count} |`);
  }
  for (const u of s.unreadable) section.push(`- could not be read completely: ${md(u.file)}: ${md(u.reason)}`);
  section.push('');
  const h = lines.findIndex((l) => l.startsWith('# '));
  if (!s.clean) lines.splice(h + 1, 0, '', `> ⛔ **exit 2: this run's own artifacts ${s.findings.length ? 'hold a secret' : 'could not all be scanned'}; do not upload them.** See "Artifact scan".`);
  const exitAt = lines.findIndex((l) => l.startsWith('- exit code: '));
  if (exitAt >= 0 && !s.clean) lines[exitAt] = `- exit code: ${exitCode} (the run's artifacts ${s.findings.length ? 'hold a secret' : 'could not all be scanned'})`;
  const first = lines.findIndex((l, i) => i > h && l.startsWith('## '));
  lines.splice(first < 0 ? lines.length : first, 0, ...section);
  return lines.join('\n') + '\n';
}

export interface ScanRunInput {
  reportsDir: string;
  /** other folders of the run's output (Playwright's outputDir when it is not under reports/) */
  also?: string[];
  secrets: KnownSecret[];
  /** the exit the run had before the scan */
  exit: number;
  /** the repository root */
  root: string;
  /** where the lines go (default: the console, stderr when the scan failed) */
  log?: (line: string, failed: boolean) => void;
}

/**
 * Scans the run's artifacts and records the result in go-no-go.json and go-no-go.md; returns the run's exit code:
 * 2 when a secret was found or a file could not be read (the artifacts must not be uploaded), else `exit` unchanged.
 */
export async function scanRunArtifacts(input: ScanRunInput): Promise<number> {
  const log = input.log ?? ((l: string, failed: boolean) => (failed ? console.error : console.log)(`flowgate: ${l}`));
  const reportsDir = resolve(input.reportsDir);
  let scan: ArtifactScan;
  try {
    scan = await scanArtifacts(reportsDir, input.secrets, {}, (input.also ?? []).filter((d) => existsSync(d)));
  } catch (err: any) {
    // Fail closed: a scan that did not finish cannot say the artifacts are clean. The message names no secret (it is a path or an I/O error).
    log(`artifact scan failed: ${err?.message ?? err}; the artifacts were not checked for secrets: do not upload them (exit 2)`, true);
    return 2;
  }
  const result: ArtifactVerdict = { ...scan, secretsSearched: new Set(input.secrets.map((s) => s.value)).size, patterns: PATTERNS, clean: !scan.findings.length && !scan.unreadable.length };
  const exit = result.clean ? input.exit : 2;
  log(scanLine(result), !result.clean);
  if (!result.clean) log(`the artifacts under ${reportsDir} ${result.findings.length ? 'hold a secret' : 'could not all be read'}: do not upload them (exit 2)`, true);
  const out = outputsIn(reportsDir);
  const v = readVerdictFile(out.verdictJson);
  // An unreadable verdict already exits 2 (scripts/verdict-exit.ts); the console line above carries the scan.
  if (!(v instanceof VerdictFileError)) {
    v.artifactScan = result;
    if (!result.clean) {
      v.exitCode = 2;
      v.notes = [`the run's own artifacts ${result.findings.length ? `hold ${result.findings.length} secret(s): ${result.findings.map((f) => f.file).join(', ')}` : `could not all be scanned: ${result.unreadable.map((u) => u.file).join(', ')}`}; they must not be uploaded (exit 2)`, ...(v.notes ?? [])];
    }
    writeFileSync(out.verdictJson, JSON.stringify(v, null, 2) + '\n');
  }
  const mdFile = out.verdictMd;
  if (existsSync(mdFile)) writeFileSync(mdFile, withArtifactScan(readFileSync(mdFile, 'utf8'), result, exit));
  return exit;
}
