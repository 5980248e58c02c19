// The tamper-evident audit chain of qr-auth (seed: SHA-384 hash chain): canonical JSON and the hash of each row.
import { createHash } from 'node:crypto';

/** prev_hash of the first row of a chain */
export const GENESIS_HASH = '0'.repeat(96);

export interface AuditRowContent {
  occurred_at: string; // ISO-8601 with milliseconds, as stored
  action: string;
  user_id: string | null;
  tenant_id: string | null;
  trace_id: string | null;
  details: unknown;
}

/** JSON with object keys sorted at every level, so the same row always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

export function auditHash(prevHash: string, row: AuditRowContent): string {
  return createHash('sha384').update(prevHash + canonicalJson(row)).digest('hex');
}

/** Index of the first row whose link or hash does not hold, or -1 when the whole chain verifies. */
export function verifyChain(rows: (AuditRowContent & { prev_hash: string; hash: string })[]): number {
  let prev = GENESIS_HASH;
  for (let i = 0; i < rows.length; i++) {
    const { prev_hash, hash, ...content } = rows[i];
    if (prev_hash !== prev || auditHash(prev_hash, content) !== hash) return i;
    prev = hash;
  }
  return -1;
}
