// The evidence convention: how tests hand the verdict reporter what they observed (events, rows, …) and auth-bypass findings.
//
// Tests attach JSON attachments; the reporter reads them back from each test result. Keeping the names,
// content types and body shapes in one module means fixtures (writers) and reports/ (reader) cannot drift.

/** Attachment name of one piece of evidence (something the test observed). */
export const EVIDENCE_ATTACHMENT = 'flowgate-evidence';
/** Content type of evidence attachments. */
export const EVIDENCE_CONTENT_TYPE = 'application/vnd.flowgate.evidence+json';
/** Attachment name of one auth-bypass finding (a protected route that answered 2xx to a bad token). */
export const BYPASS_FINDING_ATTACHMENT = 'flowgate-bypass-finding';
/** Content type of bypass-finding attachments. */
export const BYPASS_FINDING_CONTENT_TYPE = 'application/vnd.flowgate.bypass-finding+json';

/** Probe names of the audit rows criterion 12 looks for (DB probe names of the target profile). */
export const AUDIT_PROBES = ['audit.register', 'audit.login', 'audit.logout'] as const;

export type EvidenceKind = 'event' | 'row' | 'redis' | 'http' | 'screenshot' | 'probe' | 'transport';
export const EVIDENCE_KINDS: readonly EvidenceKind[] = ['event', 'row', 'redis', 'http', 'screenshot', 'probe', 'transport'];

/** What a transport check records per endpoint (evidence kind 'transport'); `gap` marks a P0 gap finding such as P0-06. */
export interface TransportEvidence {
  endpoint: string;
  tried: string;
  answered: string;
  ok: boolean;
  tlsVersion?: string;
  cipher?: string;
  gap?: string;
  /** nothing failed, but what this endpoint's check rests on could not be seen (e.g. describeConfigs denied): why a sign-off decides */
  unseen?: string;
}

export interface Evidence {
  kind: EvidenceKind;
  /** title of the test.step it belongs to, e.g. '3. Register — POST /api/v1/register/individual' */
  step: string;
  /** one line a person can read, e.g. 'cert-ix.asset.created for asset a-1 (partition 0, offset 12)' */
  summary: string;
  /** what it is: the topic of an event, the probe name of a row (`audit.register`), the Redis key, the operationId */
  name?: string;
  /** the observed thing itself (payload, rows …), already redacted by the writer; the reporter redacts again */
  data?: unknown;
  /** when it was observed (ms since the epoch): an event's arrival, a row's first sight */
  at?: number;
}

/**
 * What a probe's request carried. The bad tokens every protected route must refuse with 401, then 'cross-tenant':
 * another tenant's valid token on this tenant's resource (BOLA), which must get 403 or 404.
 * 'alg-none' is an unsigned token with a real login's claims; 'alg-confusion' is HS256 signed with the verification
 * key as the secret (only meaningful when the target verifies an asymmetric algorithm: RS/PS/ES/EdDSA).
 */
export type TokenKind = 'none' | 'malformed' | 'wrong-key' | 'expired' | 'logged-out' | 'alg-none' | 'alg-confusion' | 'cross-tenant';
/** The bad tokens, in probe order. */
export const TOKEN_KINDS: readonly TokenKind[] = ['none', 'malformed', 'wrong-key', 'expired', 'logged-out', 'alg-none', 'alg-confusion'];
/** Every kind a bypass finding may name. */
export const FINDING_KINDS: readonly TokenKind[] = [...TOKEN_KINDS, 'cross-tenant'];

export interface BypassFinding {
  /** 'METHOD /path' as in the OpenAPI contract, e.g. 'POST /api/v1/checkout/sessions' */
  route: string;
  service: string;
  tokenKind: TokenKind;
  /** the 2xx status the route answered with */
  status: number;
}

export interface JsonAttachment {
  name: string;
  contentType: string;
  body: string;
}

/** The attachment for one piece of evidence: `await testInfo.attach(a.name, a)` (or `test.info().attach`). */
export function evidenceAttachment(e: Evidence): JsonAttachment {
  if (!EVIDENCE_KINDS.includes(e.kind)) throw new TypeError(`evidenceAttachment: kind must be one of ${EVIDENCE_KINDS.join(', ')}, got ${JSON.stringify(e.kind)}`);
  return { name: EVIDENCE_ATTACHMENT, contentType: EVIDENCE_CONTENT_TYPE, body: JSON.stringify(e) };
}

/** The attachment for one auth-bypass finding. */
export function bypassFindingAttachment(f: BypassFinding): JsonAttachment {
  if (!FINDING_KINDS.includes(f.tokenKind)) throw new TypeError(`bypassFindingAttachment: tokenKind must be one of ${FINDING_KINDS.join(', ')}, got ${JSON.stringify(f.tokenKind)}`);
  return { name: BYPASS_FINDING_ATTACHMENT, contentType: BYPASS_FINDING_CONTENT_TYPE, body: JSON.stringify(f) };
}

/** Reads an evidence attachment body back; undefined when it is not well-formed evidence (the reporter notes that). */
export function parseEvidence(body: string | Buffer | undefined): Evidence | undefined {
  const v = parseJson(body);
  if (!v || typeof v !== 'object') return undefined;
  if (!EVIDENCE_KINDS.includes(v.kind) || typeof v.step !== 'string' || typeof v.summary !== 'string') return undefined;
  return { kind: v.kind, step: v.step, summary: v.summary, ...(typeof v.name === 'string' ? { name: v.name } : {}), ...('data' in v ? { data: v.data } : {}), ...(typeof v.at === 'number' ? { at: v.at } : {}) };
}

/** Reads a bypass-finding attachment body back; undefined when malformed. */
export function parseBypassFinding(body: string | Buffer | undefined): BypassFinding | undefined {
  const v = parseJson(body);
  if (!v || typeof v !== 'object') return undefined;
  if (typeof v.route !== 'string' || !FINDING_KINDS.includes(v.tokenKind) || typeof v.status !== 'number') return undefined;
  return { route: v.route, service: typeof v.service === 'string' ? v.service : '', tokenKind: v.tokenKind, status: v.status };
}

function parseJson(body: string | Buffer | undefined): any {
  if (body === undefined) return undefined;
  try {
    return JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : body);
  } catch {
    return undefined;
  }
}

/** Evidence name of criterion 3's secret scan; `data.scanned` is false when no source directory was given. */
export const SECRETS_EVIDENCE = 'secretlint';
/** Evidence name of criterion 11's repository half: the contracts against their frozen 1.0 baseline. */
export const FREEZE_EVIDENCE = 'contracts.frozen';
/** Evidence name of a P0 gap rule over the given source (P0-06, P0-07, P0-10); `data.decided` is false when there was nothing to judge. */
export const GAP_SOURCE_EVIDENCE = 'source.rule';
