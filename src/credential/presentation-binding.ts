/**
 * What binds a presentation to its request (the BBS presentation header) and what a scope
 * pseudonym is computed over. Deterministic byte strings: holder and verifier compute the same.
 */
import { concatBytes } from '../bbs/index.js';
import { fromBase64urlOrUndefined, lengthPrefixed, uint32, utf8 } from './bytes.js';
import { CredentialFormatError } from './errors.js';
import { LIMITS, OPAQUE_ID_PATTERN, PARTY_ID_PATTERN, PERIOD_PATTERN, SCOPE_PATTERN } from './format-constants.js';

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

export const PSEUDONYM_CONTEXT_TAG = 'privid.pseudonym-context.v1';

/**
 * The context a scope pseudonym is computed over, for the crypto layer:
 *
 *   utf8("privid.pseudonym-context.v1") || lp(utf8(verifierId)) || lp(utf8(scope)) || lp(utf8(period ?? ""))
 *
 * The verifier id is bound in so that two verifiers asking for the same scope string still
 * get unlinkable pseudonyms.
 */
export function pseudonymContext(input: {
  verifierId: string;
  scope: string;
  period?: string | undefined;
}): Uint8Array {
  if (typeof input.verifierId !== 'string' || !new RegExp(PARTY_ID_PATTERN).test(input.verifierId)) {
    throw new CredentialFormatError('INVALID_VALUE', '/verifierId', 'not a verifier id');
  }
  if (typeof input.scope !== 'string' || !new RegExp(SCOPE_PATTERN).test(input.scope)) {
    throw new CredentialFormatError('INVALID_VALUE', '/scope', 'not a pseudonym scope');
  }
  if (
    input.period !== undefined &&
    (typeof input.period !== 'string' || !new RegExp(PERIOD_PATTERN).test(input.period))
  ) {
    throw new CredentialFormatError('INVALID_VALUE', '/period', 'not a pseudonym period');
  }
  return concatBytes(
    utf8(PSEUDONYM_CONTEXT_TAG),
    lengthPrefixed(utf8(input.verifierId)),
    lengthPrefixed(utf8(input.scope)),
    lengthPrefixed(utf8(input.period ?? '')),
  );
}
