// One thing the embedded stack needs on this machine, found or missing, and the look-ups every component's list uses (PATH, a tool's version).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface Requirement {
  name: string;
  found: boolean;
  /** where it was found (a path) */
  where?: string;
  version?: string;
  /** how to get it when missing */
  how: string;
  /** false: missing is fine (Maven, once the jars are fetched) */
  required: boolean;
  note?: string;
}

/** An executable on PATH (or an absolute path), found without running anything. */
export function onPath(cmd: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = cmd.includes('/') ? [cmd] : path.split(delimiter).filter(Boolean).map((d) => join(d, cmd));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** First line of `cmd args` (stdout or stderr), matched for a version number; undefined when it does not run. */
export function versionOf(cmd: string, args: string[], pattern = /(\d+(?:\.\d+)+)/): string | undefined {
  // java -version writes to stderr; mvn colours its output
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15_000 });
  // eslint-disable-next-line no-control-regex
  return pattern.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`.replace(/\u001b\[[0-9;]*m/g, ''))?.[1];
}
