// Playwright global setup: when the target is embedded (FLOWGATE_TARGET, or no target variable), start the reference stack as the target, and stop it after.
import { parseBool } from '../helpers/config/config';
import { ConfigError } from '../helpers/errors';
import { decideTarget } from '../helpers/config/target';
import { targetRefusals } from '../helpers/config/target-safety';
import { startStack } from './index';
import { withStackProgress } from '../helpers/render/progress';
import { painter } from '../helpers/render/colour';
import { configSecrets, recordSecrets } from '../helpers/scan/run-secrets';

export default async function globalSetup(): Promise<(() => Promise<void>) | void> {
  // Checked here too: `npx playwright test` does not go through npm run smoke. A contradiction starts nothing.
  const target = decideTarget(process.env);
  if (!target.ok) throw new ConfigError([target.problem], 'the target (FLOWGATE_TARGET)');
  process.env.FLOWGATE_TARGET = target.kind;
  // Never production; a staging configuration in clear only with npm run smoke -- --plaintext (which sets FLOWGATE_PLAINTEXT).
  const refusals = targetRefusals(process.env, { kind: target.kind, plaintext: parseBool(process.env.FLOWGATE_PLAINTEXT) === true });
  if (refusals.length) throw new ConfigError(refusals, 'the target (refused before any request)');
  if (target.kind === 'staging') return;
  const started = Date.now();
  // What is starting and for how long, while it starts (helpers/render/progress.ts).
  const stack = await withStackProgress(process.stdout, painter(process.stdout), (progress) => startStack({ faults: process.env.STACK_FAULTS, log: (m) => parseBool(process.env.FLOWGATE_STACK_LOG) && console.log(`[stack] ${m}`), ...progress }));
  // Workers inherit the environment: they see the embedded stack exactly as they would see staging.
  Object.assign(process.env, stack.env);
  // The stack's secrets are made here, in the runner: the run's artifact scan (npm run smoke) learns them from the ledger.
  recordSecrets(configSecrets(process.env));
  console.log(`flowgate: embedded reference stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s (gateway ${stack.env.KONG_URL})`);
  return async () => {
    await stack.stop();
  };
}
