// The redactor for a process that has only its environment: every secret the target's variables hold (parsed, or raw when they do not parse) plus the pattern rules.
import { parseTargetConfig, type Env } from './config';
import { createRedactor, secretsFromConfig, secretsFromEnv, type Redactor } from '../redact';

export function redactorFromEnv(env: Env): Redactor {
  let secrets: string[] = secretsFromEnv(env);
  try {
    secrets = [...secrets, ...secretsFromConfig(parseTargetConfig(env))];
  } catch {
    // An invalid configuration still holds real secrets; the raw-variable scan above covers it.
  }
  return createRedactor(secrets);
}

type Write = typeof process.stdout.write;

/**
 * Routes everything this process writes to stdout and stderr through `redact`. In a Playwright worker, the runner's
 * reporters receive each chunk as a string they cannot change, and the list and blob reporters write it at once: the
 * worker is the only place it can be redacted. Returns the function that restores the previous writers.
 */
export function redactProcessOutput(redact: (text: string) => string): () => void {
  const wrap = (stream: NodeJS.WriteStream) => {
    const original = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : chunk;
      return (original as (...a: unknown[]) => boolean).call(this, typeof text === 'string' ? redact(text) : text, ...rest);
    } as Write;
    return () => {
      stream.write = original;
    };
  };
  const restoreOut = wrap(process.stdout);
  const restoreErr = wrap(process.stderr);
  return () => {
    restoreErr();
    restoreOut();
  };
}
