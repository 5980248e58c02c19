// Reading a target's answer with a byte cap: a body over the cap is refused from its Content-Length or cut off one chunk past it, never read whole.

/** The default cap on one response body (FLOWGATE_MAX_BODY_BYTES): every answer the flows expect is a few KiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** What a body over the cap looked like when reading stopped. */
export interface OverCap {
  capBytes: number;
  /** the exact size when the answer declared it (Content-Length), else how many bytes had come when reading stopped */
  bytes: number;
  /** true: `bytes` is the declared Content-Length and nothing was read; false: reading stopped after `bytes` */
  declared: boolean;
}

/** Thrown by readCapped; the caller turns it into its own error with the operation, method, path and trace id. */
export class BodyOverCap extends Error {
  constructor(readonly over: OverCap) {
    super(describeOverCap(over));
    this.name = 'BodyOverCap';
  }
}

/** 5242880 → '5 MiB (5242880 bytes)', 1500 → '1.5 KiB (1500 bytes)', 12 → '12 bytes'. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} byte${n === 1 ? '' : 's'}`;
  const [unit, size] = n >= 1024 * 1024 ? ['MiB', n / (1024 * 1024)] : ['KiB', n / 1024];
  return `${Number.isInteger(size) ? size : size.toFixed(1)} ${unit} (${n} bytes)`;
}

export function describeOverCap(o: OverCap): string {
  return o.declared
    ? `a body of ${formatBytes(o.bytes)} by its Content-Length, over the ${formatBytes(o.capBytes)} cap; not read`
    : `a body over the ${formatBytes(o.capBytes)} cap; reading stopped after ${formatBytes(o.bytes)}`;
}

/** The minimal stream readCapped needs: undici's response body and Node's IncomingMessage both are one. */
export interface BodyStream extends AsyncIterable<Buffer | string> {
  destroy(err?: Error): unknown;
}

/** A Content-Length header's value as a byte count; undefined when absent or not a plain number (chunked, malformed). */
export function declaredLength(header: string | string[] | undefined): number | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (v === undefined || !/^\s*\d{1,15}\s*$/.test(v)) return undefined;
  return Number(v);
}

/**
 * The body as UTF-8 text, at most `capBytes` of it. A declared Content-Length above the cap is refused before a byte is
 * read; otherwise the bytes are counted as they come and reading stops at the first chunk that takes the count past the
 * cap. Either way the stream is destroyed (its connection is not reused) and BodyOverCap says how big it was.
 * The chunks are kept as they come and joined once: no copy beyond what text() itself makes.
 */
export async function readCapped(body: BodyStream, contentLength: string | string[] | undefined, capBytes: number): Promise<string> {
  const declared = declaredLength(contentLength);
  if (declared !== undefined && declared > capBytes) {
    body.destroy();
    throw new BodyOverCap({ capBytes, bytes: declared, declared: true });
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += b.length;
    if (bytes > capBytes) {
      body.destroy();
      throw new BodyOverCap({ capBytes, bytes, declared: false });
    }
    chunks.push(b);
  }
  return chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, bytes).toString('utf8');
}
