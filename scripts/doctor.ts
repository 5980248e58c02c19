// npm run doctor: one line per requirement of the embedded stack (found/missing, version, how to get it), or with --target one line per check of a configured target; exit 0 when it can run.
import { scriptArgs } from './args';
import { formatRequirement, missingForEmbedded, requirements } from '../stack/requirements';
import { loadConfig, parseTargetConfig, type TargetConfig } from '../helpers/config/config';
import { decideTarget } from '../helpers/config/target';
import { redactorFromEnv } from '../helpers/config/secrets';
import { ConfigError } from '../helpers/errors';
import { checkLine, targetChecks } from './target-checks';

const { values } = scriptArgs({
  usage: `usage: npm run doctor [-- --target]
  Checks what the embedded reference stack needs on this machine: Node, a JDK, Maven and the Kafka jars,
  PostgreSQL and Redis binaries, Chromium, openssl. One line each: found (version, where) or missing (how to get it).
  Exit 0 when the embedded stack can run, 1 when something is missing. A staging target (KONG_URL …) needs only Node and Chromium.

  --target  checks the configured target instead (the environment, or FLOWGATE_ENV_FILE; see .env.staging.example),
            without running a flow: the gateway (reachable, TLS verified, KONG_EXTRA_HEADERS accepted), Kafka (reachable,
            TLS verified, SASL accepted, every topic of contracts/asyncapi.yaml there), each database the probes read and
            Redis (credentials accepted, over TLS). One line each, OK or FAIL naming the variable to fix.
            Exit 0 when every check passes, 2 when any fails (a run would not be able to evaluate).`,
  options: { target: { type: 'boolean' } },
});

async function doctorTarget(): Promise<number> {
  loadConfig();
  const redact = redactorFromEnv(process.env);
  const decided = decideTarget(process.env);
  if (!decided.ok || decided.kind !== 'staging') {
    console.log(`FAIL target: ${decided.ok ? 'no target is configured (KONG_URL, KAFKA_BROKERS, REDIS_URL and the *_DB_URL variables; see .env.staging.example)' : redact(decided.problem)}`);
    return 2;
  }
  let target: TargetConfig;
  try {
    target = parseTargetConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) console.log(`FAIL configuration: ${redact(p)}`);
    return 2;
  }
  console.log(`OK   configuration: target ${redact(target.name)} (${decided.why})`);
  const checks = await targetChecks(target);
  for (const c of checks) console.log(checkLine(c, redact));
  const failed = checks.filter((c) => !c.ok);
  console.log(failed.length ? `\nflowgate: ${failed.length} of ${checks.length} checks failed: ${failed.map((c) => c.name).join(', ')}; a run would not be able to evaluate (exit 2).` : `\nflowgate: the target answers as a run needs (${checks.length} checks).`);
  return failed.length ? 2 : 0;
}

function doctorEmbedded(): number {
  const reqs = requirements({ versions: true });
  for (const r of reqs) console.log(formatRequirement(r));
  const missing = missingForEmbedded(reqs);
  if (missing.length) {
    console.log(`\nflowgate: the embedded stack cannot run here: ${missing.map((r) => r.name).join(', ')} missing. npm run smoke against staging (KONG_URL …) still works.`);
    return 1;
  }
  console.log('\nflowgate: the embedded stack can run here (npm run smoke with no KONG_URL starts it).');
  return 0;
}

if (values.target) doctorTarget().then((code) => process.exit(code), (err) => (console.error(`flowgate: doctor --target failed: ${err?.message ?? err}`), process.exit(2)));
else process.exit(doctorEmbedded());
