// secretlint's recommended patterns over many documents at once (one call costs as much as hundreds of small ones); each hit is mapped back to its document by offset.
/** Text gathered before secretlint runs over it. */
const PATTERN_BATCH = 4 * 1024 * 1024;

type Lint = (text: string) => Promise<{ messageId: string; range: [number, number] }[]>;

/** Documents queued with a tag of the caller's (which file, where in it); `onHit` gets the tag back with each hit. */
export class PatternBatch<Tag> {
  private docs: { tag: Tag; text: string }[] = [];
  private bytes = 0;
  private lint?: Lint;

  constructor(private readonly onHit: (tag: Tag, messageId: string, value: string) => void) {}

  /** Queues a document; runs the batch once it holds enough text. */
  async push(tag: Tag, text: string): Promise<void> {
    this.docs.push({ tag, text });
    this.bytes += text.length;
    if (this.bytes >= PATTERN_BATCH) await this.flush();
  }

  /** secretlint over every queued document, joined; each hit goes to `onHit` with its document's tag. */
  async flush(): Promise<void> {
    if (!this.docs.length) return;
    const docs = this.docs;
    this.docs = [];
    this.bytes = 0;
    this.lint ??= loadLint();
    const starts: number[] = [];
    let at = 0;
    for (const d of docs) {
      starts.push(at);
      // Two newlines: no pattern secretlint knows spans a blank line, so documents cannot join into a false hit.
      at += d.text.length + 2;
    }
    const all = docs.map((d) => d.text).join('\n\n');
    for (const m of await this.lint(all)) {
      const [s, e] = m.range;
      this.onHit(docs[documentAt(starts, s)].tag, m.messageId, all.slice(s, e));
    }
  }
}

/** secretlint with its recommended preset, loaded on first use. */
function loadLint(): Lint {
  // secretlint ships as ES modules; Node 22 and later load them with require (as criterion 3's scan does).
  const { lintSource } = require('@secretlint/core');
  const { creator } = require('@secretlint/secretlint-rule-preset-recommend');
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
  return async (content) => (await lintSource({ source: { filePath: 'artifacts.txt', content, contentType: 'text' }, options: { config, maskSecrets: false } })).messages;
}

/** The index of the document an offset of the joined text falls in: the last start at or before it. */
function documentAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
