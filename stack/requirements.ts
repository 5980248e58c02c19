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
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  return [
    { name: 'Node.js >= 20', found: nodeMajor >= 20, where: process.execPath, version: process.versions.node, how: 'install Node 20 or later (https://nodejs.org, or apt-get install nodejs)', required: true },
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
