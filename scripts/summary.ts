// The nightly's verdict step: reads the shards' exit codes and the merged verdict, records a shard that could not evaluate in it, writes the job summary, exits with the night's code.
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputPaths } from '../helpers/config/paths';
import { parseScriptArgs } from './args';
import { readVerdict } from '../reporters/allure-config';
import { jobSummary, markCouldNotEvaluate, nightExit, type ShardExit } from '../reporters/job-summary';

const USAGE = `usage: node --require tsx/cjs scripts/summary.ts [options]
  --merge-exit <n>     the exit code of npm run merge-reports (absent or not a number: could not evaluate)
  --shard-exits <dir>  one folder per shard (shard-exit-<i>/exit-code), as the shards uploaded them
  --expected <n>       how many shards the run had (a shard with no exit code counts as could not evaluate)
  --record             writes a shard's or the merge's could-not-evaluate into reports/go-no-go.json (never GO)
  --summary <file>     appends the job summary to <file> (in CI: $GITHUB_STEP_SUMMARY)
  --report-url <url>   the uploaded HTML report, linked from the summary
  --exit               exits with the night's code: 0 GO, 1 NO-GO, 2 could not evaluate
  Reads FLOWGATE_REPORTS_DIR (default reports). Writes exit=<n> to $GITHUB_OUTPUT when that is set.`;

const MAX_SHARDS = 64;

/** Each shard folder's exit code; a folder without a readable number is a shard that left none. */
export function readShardExits(dir: string | undefined): ShardExit[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isDirectory())
    .sort()
    .slice(0, MAX_SHARDS)
    .map((n) => {
      const file = join(dir, n, 'exit-code');
      const text = existsSync(file) ? readFileSync(file, 'utf8').slice(0, 16).trim() : '';
      return { shard: n.replace(/^shard-exit-/, ''), ...(/^\d{1,3}$/.test(text) ? { exit: Number(text) } : {}) };
    });
}

function main(argv: string[]): number {
  const parsed = parseScriptArgs(
    { usage: USAGE, options: { 'merge-exit': { type: 'string' }, 'shard-exits': { type: 'string' }, expected: { type: 'string' }, record: { type: 'boolean' }, summary: { type: 'string' }, 'report-url': { type: 'string' }, exit: { type: 'boolean' } } },
    argv,
  );
  if (parsed.kind === 'help') return console.log(parsed.text), 0;
  if (parsed.kind === 'error') return console.error(parsed.text), 2;
  const o = parsed.values as Record<string, string | undefined> & { record?: boolean; exit?: boolean };
  const paths = outputPaths(process.env);
  const mergeExit = /^\d{1,3}$/.test(o['merge-exit'] ?? '') ? Number(o['merge-exit']) : undefined;
  const shards = readShardExits(o['shard-exits']);
  const expected = /^\d{1,2}$/.test(o.expected ?? '') ? Number(o.expected) : shards.length;
  const night = nightExit(mergeExit, shards, expected);
  const verdict = readVerdict(paths);
  if (o.record && verdict && night.reasons.length) writeFileSync(paths.verdictJson, JSON.stringify(markCouldNotEvaluate(verdict, night.reasons), null, 2) + '\n');
  if (o.summary) {
    const md = paths.verdictMd;
    appendFileSync(o.summary, jobSummary({ verdict, markdown: existsSync(md) ? readFileSync(md, 'utf8') : undefined, reportUrl: o['report-url'] || undefined, reasons: night.reasons }));
  }
  const exit = verdict ? night.exit : 2;
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `exit=${exit}\n`);
  console.log(`flowgate: the night's exit is ${exit}${night.reasons.length ? ` (${night.reasons.join('; ')})` : ''}`);
  return o.exit ? exit : 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
