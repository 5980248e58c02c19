// npm run doctor: one line per requirement of the embedded stack (found/missing, version, how to get it); exit 0 when it can run.
import { scriptArgs } from './args';
import { formatRequirement, missingForEmbedded, requirements } from '../stack/requirements';

scriptArgs({
  usage: `usage: npm run doctor
  Checks what the embedded reference stack needs on this machine: Node, a JDK, Maven and the Kafka jars,
  PostgreSQL and Redis binaries, Chromium, openssl. One line each: found (version, where) or missing (how to get it).
  Exit 0 when the embedded stack can run, 1 when something is missing. A staging target (KONG_URL …) needs only Node and Chromium.`,
  options: {},
});

const reqs = requirements({ versions: true });
for (const r of reqs) console.log(formatRequirement(r));
const missing = missingForEmbedded(reqs);
if (missing.length) {
  console.log(`\nflowgate: the embedded stack cannot run here: ${missing.map((r) => r.name).join(', ')} missing. npm run smoke against staging (KONG_URL …) still works.`);
  process.exit(1);
}
console.log('\nflowgate: the embedded stack can run here (npm run smoke with no KONG_URL starts it).');
