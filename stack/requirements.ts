// What the embedded stack needs on this machine: Node and the dashboard's Chromium, then each component's own list (Kafka, PostgreSQL, Redis, the certificates); found or missing, version, how to get it.
import { chromiumExecutable } from '../contracts/connection';
import { kafkaRequirements } from './infra/kafka-release';
import { postgresRequirements } from './infra/postgres';
import { redisRequirements } from './infra/redis';
import { onPath, versionOf, type Requirement } from './infra/requirement';
import { certificateRequirements } from './infra/tls';

export { onPath, type Requirement } from './infra/requirement';
export { kafkaJarsVersion } from './infra/kafka-release';

/**
 * The embedded stack's requirements. With `versions` false nothing is run (a file-system look only, for npm run
 * smoke's quick check); npm run doctor asks each tool for its version.
 */
export function requirements(opts: { versions?: boolean } = {}): Requirement[] {
  const v = opts.versions ?? true;
  const chromium = onPath(chromiumExecutable(process.env)) ?? (process.env.CHROMIUM_PATH ? undefined : onPath('chromium'));
  // the Kafka client's floor (package.json engines); scripts/supported-node.cjs refuses anything older before a run starts
  const [nodeMajor, nodeMinor] = process.versions.node.split('.').map(Number);
  const nodeOk = nodeMajor > 22 || (nodeMajor === 22 && nodeMinor >= 22);
  return [
    { name: 'Node.js >= 22.22 (24 LTS)', found: nodeOk, where: process.execPath, version: process.versions.node, how: 'npm ci installs Node 24 in node_modules/.bin (npm run … uses it), or install Node 24 (nvm install; .nvmrc)', required: true },
    ...kafkaRequirements(v),
    ...postgresRequirements(v),
    ...redisRequirements(v),
    { name: 'Chromium', found: !!chromium, where: chromium, version: chromium && v ? versionOf(chromium, ['--version']) : undefined, how: 'apt-get install chromium chromium-headless-shell (or set CHROMIUM_PATH); never `playwright install`', required: true },
    ...certificateRequirements(v),
  ];
}

/** The requirements the embedded stack lacks (empty: it can run). */
export function missingForEmbedded(reqs: Requirement[]): Requirement[] {
  return reqs.filter((r) => r.required && !r.found);
}

export function formatRequirement(r: Requirement): string {
  const mark = r.found ? 'found  ' : r.required ? 'MISSING' : 'missing';
  const detail = r.found ? `${r.version ?? 'version unknown'}${r.where ? ` (${r.where})` : ''}` : r.how;
  return `${mark}  ${r.name.padEnd(24)} ${detail}${r.note ? ` — ${r.note}` : ''}`;
}
