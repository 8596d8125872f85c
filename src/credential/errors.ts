/**
 * Typed errors of the credential model. Every error carries a stable machine-readable `code`
 * and the JSON Pointer (RFC 6901) of the offending input, `""` for the whole input, so a
 * server can answer 400 with both and a wallet can show which part of a QR code was wrong.
 */

/** One problem found while validating a schema definition or a set of attribute values. */
export interface Issue {
  /** JSON Pointer into the validated input, e.g. `/attributes/2/max` or `/doseCount`. */
  readonly path: string;
  /** A stable code, e.g. `DUPLICATE_NAME`, `NOT_IN_ENUM`. */
  readonly reason: string;
  /** A human-readable explanation. */
  readonly message: string;
}

export abstract class CredentialError extends Error {
  /** A stable, machine-readable code. */
  abstract readonly code: string;
  /** JSON Pointer to the input that was wrong; `""` for the input as a whole. */
  readonly path: string;

  constructor(path: string, message: string) {
    super(path === '' ? message : `${path}: ${message}`);
    this.path = path;
  }
}

export type CredentialFormatErrorCode =
  /** The input is not a JSON object (or an object where one was required). */
  | 'NOT_AN_OBJECT'
  /** `type` is missing or names another format. */
  | 'WRONG_FORMAT_TYPE'
  /** `v` is not a version this library reads. */
  | 'UNSUPPORTED_VERSION'
  | 'UNKNOWN_FIELD'
  | 'MISSING_FIELD'
  | 'WRONG_TYPE'
  /** A binary field is not canonical unpadded base64url. */
  | 'INVALID_BASE64URL'
  /** A string, byte string, array or number is over its limit. */
  | 'TOO_LARGE'
  /** A string, byte string, array or number is under its limit. */
  | 'TOO_SMALL'
  /** Well typed, but not an allowed value (pattern, enum, cross-field rule). */
  | 'INVALID_VALUE'
  | 'DUPLICATE'
  /** QR text does not start with a known `PRIVID1:<kind>:` prefix. */
  | 'QR_PREFIX'
  /** QR text has a character outside the Base45 alphabet. */
  | 'QR_ALPHABET'
  /** QR text is longer than any QR code holds; rejected before decoding. */
  | 'QR_TOO_LARGE'
  /** Base45 that no byte string encodes (bad length, chunk value over range). */
  | 'QR_BASE45'
  /** Not exactly one item of deterministic CBOR. */
  | 'QR_CBOR'
  /** Well-formed CBOR of the wrong shape (unknown key, text where bytes belong, ...). */
  | 'QR_STRUCTURE';

/** A JSON format object (offer, request, presentation, ...) or a QR text failed validation. */
export class CredentialFormatError extends CredentialError {
  override readonly name = 'CredentialFormatError';
  readonly code: CredentialFormatErrorCode;

  constructor(code: CredentialFormatErrorCode, path: string, message: string) {
    super(path, message);
    this.code = code;
  }
}

/** A credential schema definition is invalid, or a registry lookup/registration failed. */
export class CredentialSchemaError extends CredentialError {
  override readonly name = 'CredentialSchemaError';
  readonly code: 'INVALID_SCHEMA' | 'UNKNOWN_SCHEMA' | 'SCHEMA_CONFLICT';
  readonly issues: readonly Issue[];

  constructor(code: CredentialSchemaError['code'], issues: readonly Issue[], message?: string) {
    const first = issues[0];
    super(first?.path ?? '', message ?? summarize(issues));
    this.code = code;
    this.issues = issues;
  }
}

/** Values that cannot be encoded into a credential's messages (bad attributes, validity, refs). */
export class CredentialEncodingError extends CredentialError {
  override readonly name = 'CredentialEncodingError';
  readonly code: 'INVALID_ATTRIBUTES' | 'INVALID_CREDENTIAL_FIELDS' | 'UNKNOWN_MESSAGE_NAME';
  readonly issues: readonly Issue[];

  constructor(code: CredentialEncodingError['code'], issues: readonly Issue[]) {
    const first = issues[0];
    super(first?.path ?? '', summarize(issues));
    this.code = code;
    this.issues = issues;
  }
}

export function isCredentialError(error: unknown): error is CredentialError {
  return error instanceof CredentialError;
}

function summarize(issues: readonly Issue[]): string {
  const first = issues[0];
  if (!first) return 'invalid';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `${first.message}${more}`;
}
