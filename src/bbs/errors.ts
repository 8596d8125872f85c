/**
 * Typed errors for malformed input to the BBS operations.
 *
 * The drafts answer INVALID both for "this input is not even well formed" and for "this
 * signature or proof does not verify". Callers need to tell the two apart: a malformed proof
 * from the network is a client error with a reason, a well-formed proof that fails is just
 * `false`. So the interface functions throw a `BbsError` for the first kind and return
 * `false` for the second, and nothing from inside the curve library escapes un-wrapped.
 */

export type BbsErrorCode =
  | 'UNSUPPORTED_CIPHERSUITE'
  | 'INVALID_TYPE'
  | 'INVALID_LENGTH'
  | 'INVALID_POINT'
  | 'POINT_NOT_IN_SUBGROUP'
  | 'IDENTITY_POINT'
  | 'SCALAR_OUT_OF_RANGE'
  | 'INVALID_INDEXES'
  | 'INVALID_KEY_MATERIAL'
  | 'INVALID_COUNT'
  | 'INVALID_SIGNATURE_FOR_PROOF'
  | 'INVALID_COMMITMENT_PROOF'
  | 'RANDOMNESS_FAILURE'
  | 'UNSUPPORTED_OPERATION'
  /** The prover's hidden value does not satisfy the predicate it was asked to prove. */
  | 'PREDICATE_NOT_SATISFIED';

export class BbsError extends Error {
  override readonly name = 'BbsError';
  /** A stable, machine-readable code. */
  readonly code: BbsErrorCode;
  /** The input that was wrong, e.g. `publicKey`, `proof`, `disclosedIndexes[2]`. */
  readonly field: string;

  constructor(code: BbsErrorCode, field: string, message: string) {
    super(`${field}: ${message}`);
    this.code = code;
    this.field = field;
  }
}

export function isBbsError(error: unknown): error is BbsError {
  return error instanceof BbsError;
}
