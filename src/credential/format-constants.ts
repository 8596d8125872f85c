/**
 * The constants of the privid formats: type names, version, suites, limits and the patterns
 * of ids. Plain values (no schema library), shared by the TypeBox definitions in formats.ts,
 * the parsers the SDK ships (format-parsers.ts) and the presentation bindings.
 */
import type { SuiteId } from '../bbs/index.js';

export const FORMAT_VERSION = 1;

export const FORMAT_TYPES = {
  credentialOffer: 'privid/credential-offer',
  issuanceRequest: 'privid/issuance-request',
  credential: 'privid/credential',
  presentationRequest: 'privid/presentation-request',
  presentation: 'privid/presentation',
} as const;

/**
 * The claims of a signed request object (OpenID4VP 1.0 profile, request-object.ts): no `type`/`v`
 * header of their own, so they are not in FORMAT_TYPES; this names their JSON Schema.
 */
export const REQUEST_OBJECT_FORMAT = 'privid/request-object';
/** The DCQL credential format identifier of privid's BBS credentials. */
export const PRIVID_FORMAT_ID = 'privid-bbs';
/** The static audience of a request object for a wallet without its own issuer id (OpenID4VP 5.8). */
export const REQUEST_OBJECT_AUDIENCE = 'https://self-issued.me/v2';
/** `response_mode` of the online flow (OpenID4VP 8.2) and of an offline kiosk (privid extension). */
export const RESPONSE_MODES = ['direct_post', 'privid_qr'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/** Signature suites a credential may name (the `BbsSuite` ids of privid/bbs). */
export const SUITE_IDS = ['BLS12-381-SHA-256', 'BLS12-381-SHAKE-256', 'BBS+2020'] as const;
// Compile-time check that SUITE_IDS lists exactly the SuiteId union of privid/bbs.
type _SuitesMatch = [(typeof SUITE_IDS)[number]] extends [SuiteId]
  ? [SuiteId] extends [(typeof SUITE_IDS)[number]]
    ? true
    : never
  : never;
const _suitesMatch: _SuitesMatch = true;
void _suitesMatch;

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

export const LIMITS = Object.freeze({
  /** Presentation nonce: exactly 32 random bytes. */
  nonceBytes: 32,
  /** One-time redemption code of an offer: 16..32 random bytes. */
  codeMinBytes: 16,
  codeMaxBytes: 32,
  /** Holder commitment to its secret with proof of knowledge (blind BBS). */
  commitmentMinBytes: 48,
  commitmentMaxBytes: 2048,
  /** BBS signature: 80 bytes for the IETF suites, 112 for BBS+2020. */
  signatureMinBytes: 80,
  signatureMaxBytes: 256,
  /** BBS proof: 3*48 + (4+U)*32 for U undisclosed messages; 37 messages at most. */
  proofMinBytes: 3 * 48 + 4 * 32,
  proofMaxBytes: 4096,
  predicateProofMaxBytes: 16384,
  /** A scope-bound pseudonym: one compressed G1 point. */
  pseudonymBytes: 48,
  /** The holder's fresh salt of a one-time pseudonym context. */
  saltBytes: 32,
  idMaxLength: 128,
  displayNameMaxLength: 64,
  urlMaxLength: 256,
  groups: 8,
  clauses: 8,
  issuers: 16,
  keyIds: 16,
  constraints: 16,
  inValues: 32,
  /** Unix seconds of 9999-12-31T23:59:59Z. */
  maxTime: 253_402_300_799,
  /** Nesting depth of any accepted JSON value. */
  maxDepth: 12,
});

/** Opaque identifiers: offer, request and secret ids. */
export const OPAQUE_ID_PATTERN = '^[A-Za-z0-9_-]{8,64}$';
/** Issuer and verifier ids: printable ASCII without spaces (a DID, a URL or a short name). */
export const PARTY_ID_PATTERN = '^[!-~]+$';
/** https URL without query or fragment, or plain http to localhost for development. */
export const ISSUER_URL_PATTERN =
  "^(?:https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?|http://(?:localhost|127\\.0\\.0\\.1|\\[::1\\])(?::[0-9]{1,5})?)(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?$";
/** Display names: no control characters. */
export { DISPLAY_NAME_PATTERN } from './text.js';
/** Pseudonym scopes and periods. */
export const SCOPE_PATTERN = '^[A-Za-z0-9._:/-]{1,64}$';
/**
 * A pseudonym period the wallet can check against its own clock: a calendar day `YYYY-MM-DD`,
 * an ISO 8601 week `YYYY-Www` or a month `YYYY-MM` (see periods.ts).
 */
export const PERIOD_PATTERN = '^[0-9]{4}-(?:[0-9]{2}-[0-9]{2}|W[0-9]{2}|[0-9]{2})$';
/** The time zone a period is read in: `UTC` or a fixed offset `+HH:MM` / `-HH:MM`. */
export const TIME_ZONE_PATTERN = '^(?:UTC|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])$';
/** A verifier origin as the wallet authenticated it: `https://host[:port]`, or http to localhost. */
export const ORIGIN_PATTERN =
  '^(?:https://[a-z0-9.-]+(?::[0-9]{1,5})?|http://(?:localhost|127\\.0\\.0\\.1|\\[::1\\])(?::[0-9]{1,5})?)$';
