// allure-playwright with a results writer that does not fsync every file: the same files, written atomically, off the runner's critical path.
//
// allure-js-commons' FileSystemWriter opens, writes, fsyncs and renames each result and attachment synchronously in
// the runner process. A run writes hundreds of attachments (every HTTP exchange, event and row), and the fsyncs
// alone held the runner's event loop for 2–4 s per run on this machine, while every worker waited on it to hand out
// the next test. Results are a report, not a database: a crash mid-write loses at most the run that crashed, and
// the write-to-temp-then-rename keeps a reader from ever seeing half a file.
import AllureReporter from 'allure-playwright';
import { FileSystemWriter } from 'allure-js-commons/sdk/reporter';
import { mkdirSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';

/** Writes `path` through a temporary file in the same folder and a rename, so nobody reads a partial file. */
export function publish(path: string, write: (tmp: string) => void): void {
  const tmp = join(dirname(path), `.allure-write-${randomUUID()}.tmp`);
  try {
    write(tmp);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** FileSystemWriter's file layout and names, without the fsync per file. */
// @ts-expect-error buildPath is private in allure's typings but overridden on purpose: every write goes through it
export class UnsyncedWriter extends FileSystemWriter {
  private made = false;
  private readonly dir: string;

  constructor(resultsDir: string) {
    super({ resultsDir });
    this.dir = resultsDir;
  }

  buildPath(name: string): string {
    if (!this.made) mkdirSync(this.dir, { recursive: true });
    this.made = true;
    return join(this.dir, name);
  }

  writeAttachment(distFileName: string, content: Buffer): void {
    publish(this.buildPath(distFileName), (tmp) => writeFileSync(tmp, content));
  }

  writeAttachmentFromPath(distFileName: string, from: string): void {
    publish(this.buildPath(distFileName), (tmp) => copyFileSync(from, tmp));
  }

  writeResult(result: { uuid: string }): void {
    publish(this.buildPath(`${result.uuid}-result.json`), (tmp) => writeFileSync(tmp, JSON.stringify(result), 'utf-8'));
  }

  writeGroup(result: { uuid: string }): void {
    publish(this.buildPath(`${result.uuid}-container.json`), (tmp) => writeFileSync(tmp, JSON.stringify(result), 'utf-8'));
  }

  writeGlobals(distFileName: string, info: unknown): void {
    publish(this.buildPath(distFileName), (tmp) => writeFileSync(tmp, JSON.stringify(info), 'utf-8'));
  }
}

export default class FlowgateAllureReporter extends AllureReporter {
  onBegin(suite: Parameters<AllureReporter['onBegin']>[0]): void {
    super.onBegin(suite);
    const runtime = (this as any).allureRuntime;
    // Allure's test mode (ALLURE_TEST_MODE) writes to its message channel instead of files; leave that one alone.
    if (runtime?.writer instanceof FileSystemWriter) runtime.writer = new UnsyncedWriter((this as any).options.resultsDir ?? './allure-results');
  }
}
