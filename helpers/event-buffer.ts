// The observer's buffer, bounded in bytes, count and time: what it drops is counted per topic (and why), never dropped silently.

/** What the buffer needs of an entry: where it came from, when, and how many bytes it holds. */
export interface Sized {
  topic: string;
  receivedAt: number;
  bytes: number;
}

export interface EventBufferLimits {
  /** total bytes kept; the oldest entries go first when a new one would pass it */
  maxBytes: number;
  /** entries kept, whatever their size */
  maxCount: number;
  /** one entry larger than this is counted, never kept (its bytes are not even decoded by the caller) */
  maxEntryBytes: number;
}

export type DropReason = 'oversize' | 'bytes' | 'count';

/** Drops on one topic since the window began. */
export interface Dropped {
  count: number;
  bytes: number;
  byReason: Record<DropReason, number>;
  /** when the latest dropped entry had been received (ms epoch) */
  lastReceivedAt: number;
  /** the largest single entry dropped, in bytes */
  largest: number;
}

/** 64 MiB of messages per worker: the flows' own events are a few KiB each, so only a flood or a hostile broker fills it. */
export const OBSERVER_BUFFER_BYTES = 64 * 1024 * 1024;
export const OBSERVER_BUFFER_COUNT = 20_000;

export class EventBuffer<T extends Sized> {
  private items: T[] = [];
  private head = 0;
  private total = 0;
  private dropped = new Map<string, Dropped>();
  private windowStart = 0;

  constructor(readonly limits: EventBufferLimits) {}

  /** Whether an entry of `bytes` would be kept at all; the caller asks before decoding it. */
  fits(bytes: number): boolean {
    return bytes <= this.limits.maxEntryBytes;
  }

  /** Counts an entry over the entry cap without keeping it (the caller did not decode it: only its size is known). */
  reject(e: Sized): void {
    if (e.receivedAt >= this.windowStart) this.count(e, 'oversize');
  }

  /** Keeps `e` (evicting the oldest past the byte or count budget), or counts it when it is over the entry cap. */
  add(e: T): boolean {
    if (e.receivedAt < this.windowStart) return false;
    if (!this.fits(e.bytes)) {
      this.count(e, 'oversize');
      return false;
    }
    this.items.push(e);
    this.total += e.bytes;
    while (this.size() > this.limits.maxCount) this.evict('count');
    while (this.total > this.limits.maxBytes && this.size() > 0) this.evict('bytes');
    this.compact();
    return true;
  }

  /**
   * The window begins at `since` (ms epoch, a test's start): older entries are dropped, as are the drop counts of the
   * window before (nothing can wait on them any more). They are the window's to forget, not losses to report.
   */
  startWindow(since: number): void {
    this.windowStart = since;
    while (this.size() > 0 && this.items[this.head].receivedAt < since) {
      this.total -= this.items[this.head].bytes;
      this.head++;
    }
    this.compact();
    this.dropped.clear();
  }

  /** Kept entries, oldest first. */
  all(): readonly T[] {
    return this.head === 0 ? this.items : this.items.slice(this.head);
  }

  size(): number {
    return this.items.length - this.head;
  }

  bytes(): number {
    return this.total;
  }

  /** What was dropped since the window began, on the topics `onTopic` accepts; undefined when nothing was. */
  droppedOn(onTopic: (topic: string) => boolean): Dropped | undefined {
    let out: Dropped | undefined;
    for (const [topic, d] of this.dropped) {
      if (!onTopic(topic)) continue;
      out ??= { count: 0, bytes: 0, byReason: { oversize: 0, bytes: 0, count: 0 }, lastReceivedAt: 0, largest: 0 };
      out.count += d.count;
      out.bytes += d.bytes;
      for (const r of Object.keys(d.byReason) as DropReason[]) out.byReason[r] += d.byReason[r];
      out.lastReceivedAt = Math.max(out.lastReceivedAt, d.lastReceivedAt);
      out.largest = Math.max(out.largest, d.largest);
    }
    return out;
  }

  /** Every topic's drops since the window began (for the evidence). */
  droppedByTopic(): Record<string, Dropped> {
    return Object.fromEntries([...this.dropped].map(([t, d]) => [t, { ...d, byReason: { ...d.byReason } }]));
  }

  private evict(reason: DropReason): void {
    const e = this.items[this.head++];
    this.total -= e.bytes;
    this.count(e, reason);
  }

  private count(e: Sized, reason: DropReason): void {
    let d = this.dropped.get(e.topic);
    if (!d) this.dropped.set(e.topic, (d = { count: 0, bytes: 0, byReason: { oversize: 0, bytes: 0, count: 0 }, lastReceivedAt: 0, largest: 0 }));
    d.count++;
    d.bytes += e.bytes;
    d.byReason[reason]++;
    d.lastReceivedAt = Math.max(d.lastReceivedAt, e.receivedAt);
    d.largest = Math.max(d.largest, e.bytes);
  }

  /** Evicted entries are skipped by an index; the array is cut only when they are half of it (amortised O(1) per add). */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/** "3 more on that topic dropped since the test began (2 larger than the 1 MiB cap, counted not kept; 1 evicted by …)". */
export function describeDropped(d: Dropped | undefined, limits: Pick<EventBufferLimits, 'maxBytes' | 'maxCount' | 'maxEntryBytes'>): string {
  if (!d || d.count === 0) return '';
  const mib = (n: number) => (n >= 1024 * 1024 ? `${+(n / (1024 * 1024)).toFixed(1)} MiB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KiB` : `${n} bytes`);
  const why = [
    d.byReason.oversize ? `${d.byReason.oversize} larger than the ${mib(limits.maxEntryBytes)} message cap (FLOWGATE_MAX_BODY_BYTES), counted not kept, the largest ${mib(d.largest)}` : '',
    d.byReason.bytes ? `${d.byReason.bytes} evicted by the buffer's ${mib(limits.maxBytes)} budget` : '',
    d.byReason.count ? `${d.byReason.count} evicted by the buffer's ${limits.maxCount}-message budget` : '',
  ].filter(Boolean);
  return `${d.count} more on that topic dropped since the test began (${why.join('; ')})`;
}
