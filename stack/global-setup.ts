// Playwright global setup: with no KONG_URL configured, start the embedded reference stack as the target, and stop it after.
import { parseBool } from '../helpers/config';
import { startStack } from './index';

export default async function globalSetup(): Promise<(() => Promise<void>) | void> {
  if (process.env.KONG_URL) return;
  const started = Date.now();
  const stack = await startStack({ faults: process.env.STACK_FAULTS, log: (m) => parseBool(process.env.FLOWGATE_STACK_LOG) && console.log(`[stack] ${m}`) });
  // Workers inherit the environment: they see the embedded stack exactly as they would see staging.
  Object.assign(process.env, stack.env);
  console.log(`flowgate: embedded reference stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s (gateway ${stack.env.KONG_URL})`);
  return async () => {
    await stack.stop();
  };
}
