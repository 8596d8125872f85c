/**
 * What binds a presentation to its request (the BBS presentation header) and what a scope
 * pseudonym is computed over. Deterministic byte strings: holder and verifier compute the same.
 */
import { concatBytes } from '../bbs/index.js';
import { fromBase64urlOrUndefined, lengthPrefixed, uint32, utf8 } from './bytes.js';
import { CredentialFormatError } from './errors.js';
import {
  LIMITS,
  OPAQUE_ID_PATTERN,
  ORIGIN_PATTERN,
  PARTY_ID_PATTERN,
  PERIOD_PATTERN,
  SCOPE_PATTERN,
  TIME_ZONE_PATTERN,
} from './format-constants.js';

export const PRESENTATION_HEADER_TAG = 'privid.presentation-header.v1';

export interface PresentationHeaderInput {
  /** The request nonce: 32 bytes, or its base64url text from the request. */
  readonly nonce: Uint8Array | string;
  readonly verifierId: string;
  readonly requestId: string;
  /** Index of the request group this proof answers. */
  readonly groupIndex: number;
}

/**
 * The BBS presentation header every proof of a presentation binds to:
 *
 *   utf8("privid.presentation-header.v1") || lp(nonce) || lp(utf8(verifierId))
 *     || lp(utf8(requestId)) || I2OSP(groupIndex, 4)         lp(x) = I2OSP(len(x), 4) || x
 *
 * A proof replayed to another verifier, another request, or as the answer to another group
 * does not verify. Deterministic: holder and verifier compute the same bytes.
 */
export function presentationHeader(input: PresentationHeaderInput): Uint8Array {
  const nonce = typeof input.nonce === 'string' ? fromBase64urlOrUndefined(input.nonce) : input.nonce;
  if (!(nonce instanceof Uint8Array) || nonce.length !== LIMITS.nonceBytes) {
    throw new CredentialFormatError('INVALID_VALUE', '/nonce', `nonce must be ${LIMITS.nonceBytes} bytes`);
  }
  if (typeof input.verifierId !== 'string' || !new RegExp(PARTY_ID_PATTERN).test(input.verifierId)) {
    throw new CredentialFormatError('INVALID_VALUE', '/verifierId', 'not a verifier id');
  }
  if (typeof input.requestId !== 'string' || !new RegExp(OPAQUE_ID_PATTERN).test(input.requestId)) {
    throw new CredentialFormatError('INVALID_VALUE', '/requestId', 'not a request id');
  }
  if (!Number.isInteger(input.groupIndex) || input.groupIndex < 0 || input.groupIndex >= LIMITS.groups) {
    throw new CredentialFormatError('INVALID_VALUE', '/groupIndex', `groupIndex must be in 0..${LIMITS.groups - 1}`);
  }
  return concatBytes(
    utf8(PRESENTATION_HEADER_TAG),
    lengthPrefixed(nonce),
    lengthPrefixed(utf8(input.verifierId)),
    lengthPrefixed(utf8(input.requestId)),
    uint32(input.groupIndex),
  );
}

export const PSEUDONYM_CONTEXT_TAG = 'privid.pseudonym-context.v2';
export const ONE_TIME_CONTEXT_TAG = 'privid.one-time-context.v1';

/**
 * The context a scoped pseudonym is computed over:
 *
 *   utf8("privid.pseudonym-context.v2") || lp(utf8(origin)) || lp(utf8(verifierId))
 *     || lp(utf8(scope)) || lp(utf8(period ?? "")) || lp(utf8(timeZone ?? "UTC"))
 *
 * `origin` is the verifier origin the wallet authenticated (the origin of the key that signed
 * the request) and `verifierId` the venue's registered id on it: the wallet derives the context
 * from these, so two venues (two ids, or two origins) get unlinkable pseudonyms for the same
 * scope string by construction, whatever strings they choose.
 */
export function pseudonymContext(input: {
  origin: string;
  verifierId: string;
  scope: string;
  period?: string | undefined;
  timeZone?: string | undefined;
}): Uint8Array {
  if (typeof input.origin !== 'string' || !new RegExp(ORIGIN_PATTERN).test(input.origin)) {
    throw new CredentialFormatError('INVALID_VALUE', '/origin', 'not an authenticated verifier origin');
  }
  checkVerifierId(input.verifierId);
  if (typeof input.scope !== 'string' || !new RegExp(SCOPE_PATTERN).test(input.scope)) {
    throw new CredentialFormatError('INVALID_VALUE', '/scope', 'not a pseudonym scope');
  }
  if (
    input.period !== undefined &&
    (typeof input.period !== 'string' || !new RegExp(PERIOD_PATTERN).test(input.period))
  ) {
    throw new CredentialFormatError(
      'INVALID_VALUE',
      '/period',
      'not a pseudonym period (YYYY-MM-DD, YYYY-Www, YYYY-MM)',
    );
  }
  if (
    input.timeZone !== undefined &&
    (typeof input.timeZone !== 'string' || !new RegExp(TIME_ZONE_PATTERN).test(input.timeZone))
  ) {
    throw new CredentialFormatError('INVALID_VALUE', '/timeZone', 'not a time zone (UTC or ±HH:MM)');
  }
  return concatBytes(
    utf8(PSEUDONYM_CONTEXT_TAG),
    lengthPrefixed(utf8(input.origin)),
    lengthPrefixed(utf8(input.verifierId)),
    lengthPrefixed(utf8(input.scope)),
    lengthPrefixed(utf8(input.period ?? '')),
    lengthPrefixed(utf8(input.timeZone ?? 'UTC')),
  );
}

/**
 * The context of a one-time pseudonym (the request asks for none):
 *
 *   utf8("privid.one-time-context.v1") || lp(utf8(verifierId)) || lp(salt)
 *
 * `salt` is 32 fresh random bytes the holder chooses and sends in the presentation: nothing the
 * verifier sends (a reused nonce included) can make two one-time pseudonyms equal.
 */
export function oneTimeContext(input: { verifierId: string; salt: Uint8Array | string }): Uint8Array {
  checkVerifierId(input.verifierId);
  const salt = typeof input.salt === 'string' ? fromBase64urlOrUndefined(input.salt) : input.salt;
  if (!(salt instanceof Uint8Array) || salt.length !== LIMITS.saltBytes) {
    throw new CredentialFormatError('INVALID_VALUE', '/salt', `the salt must be ${LIMITS.saltBytes} bytes`);
  }
  return concatBytes(utf8(ONE_TIME_CONTEXT_TAG), lengthPrefixed(utf8(input.verifierId)), lengthPrefixed(salt));
}

function checkVerifierId(verifierId: unknown): void {
  if (typeof verifierId !== 'string' || !new RegExp(PARTY_ID_PATTERN).test(verifierId)) {
    throw new CredentialFormatError('INVALID_VALUE', '/verifierId', 'not a verifier id');
  }
}
