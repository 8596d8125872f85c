/**
 * The one catalogue of API error codes. Every error the API returns is RFC 9457
 * problem+json with one of these stable `code`s; clients branch on `code`, never on text.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The body is not valid JSON' },
  INVALID_CRYPTO_INPUT: { status: 400, title: 'A key, commitment or proof is malformed' },
  UNAUTHENTICATED: { status: 401, title: 'Missing or invalid credentials' },
  FORBIDDEN: { status: 403, title: 'Not allowed for this caller' },
  NOT_FOUND: { status: 404, title: 'No such resource' },
  OFFER_CODE_INVALID: { status: 401, title: 'The offer code is not valid for this offer' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'The resource is in a conflicting state' },
  IDEMPOTENCY_MISMATCH: { status: 409, title: 'The Idempotency-Key was used with a different request' },
  OFFER_ALREADY_REDEEMED: { status: 409, title: 'The offer has already been redeemed' },
  OFFER_EXPIRED: { status: 410, title: 'The offer has expired' },
  OFFER_CANCELLED: { status: 410, title: 'The lab cancelled the offer' },
  REQUEST_EXPIRED: { status: 410, title: 'The presentation request has expired' },
  REQUEST_ALREADY_ANSWERED: { status: 409, title: 'The presentation request has already been answered' },
  COMMITMENT_INVALID: { status: 422, title: 'The commitment proof does not verify' },
  KEY_NOT_ACTIVE: { status: 409, title: 'The issuer key is not active' },
  NO_ACTIVE_KEY: { status: 409, title: 'The lab has no active issuer key that can sign this' },
  SCHEMA_CONFLICT: { status: 409, title: 'A different schema is already registered under this id' },
  UNKNOWN_SCHEMA: { status: 422, title: 'No such credential schema for this lab' },
  UNSUPPORTED_SUITE: { status: 422, title: 'The signature suite does not support this operation' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The body is too large' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  OVERLOADED: { status: 429, title: 'The verifier is busy, retry shortly' },
  INTERNAL: { status: 500, title: 'Internal error' },
  UNAVAILABLE: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra members of the problem object, e.g. `errors` (validation details) or `retryAfter`. */
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, detail?: string, extensions: Record<string, unknown> = {}) {
    super(detail ?? ERRORS[code].title);
    this.code = code;
    this.status = ERRORS[code].status;
    this.extensions = extensions;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemOf(error: ApiError, instance?: string): Problem {
  return {
    type: `https://privid.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: ERRORS[error.code].title,
    status: error.status,
    code: error.code,
    detail: error.message,
    ...(instance ? { instance } : {}),
    ...error.extensions,
  };
}
