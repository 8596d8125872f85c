/**
 * Shared HTTP pieces of every route: problem+json response schemas (with examples, for the
 * OpenAPI document), closed object schemas, and cacheable JSON responses with strong ETags.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type, { type TObject, type TProperties, type TSchema } from 'typebox';
import { DISPLAY_NAME_PATTERN } from '../../credential/index.js';
import { textField } from '../../credential/formats.js';
import { ERRORS, PROBLEM_CONTENT_TYPE, type ErrorCode } from '../errors.js';

/** An object schema that rejects unknown fields (ajv's removeAdditional is off, so they are errors). */
export function closed<T extends TProperties>(properties: T, options: Record<string, unknown> = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/**
 * A free-text field of a request (body, query, path or header): refuses U+0000 and unpaired surrogates,
 * which no database stores (see credential/text.ts). Every request string without a stricter pattern
 * of its own uses this; test/server/text-fields.test.ts walks every route's schemas to keep it so.
 */
export const Text = textField;

/** A display name (labs, venues): non-empty, no control characters, no unpaired surrogates. */
export function DisplayName(options: { maxLength: number; description: string }) {
  return Type.String({ minLength: 1, ...options, pattern: DISPLAY_NAME_PATTERN });
}

/** RFC 9457 problem details with privid's stable `code`. Extension members are allowed. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI naming the problem type.' }),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'A stable code from the error catalogue; branch on this, never on text.' }),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String({ description: 'Where: `body`, `query`, `params` or `headers`, then a JSON Pointer.' }),
          message: Type.Optional(Type.String()),
          allowed: Type.Optional(
            Type.Array(Type.Unknown(), { description: 'The values the property may take, when they are a list.' }),
          ),
          attributes: Type.Optional(
            Type.Array(Type.String(), {
              description: 'A broken schema invariant: every attribute involved (e.g. band and ageOver18).',
            }),
          ),
        }),
        { description: 'Validation details: a JSON Pointer-like path and a message per problem.' },
      ),
    ),
    retryAfter: Type.Optional(Type.Integer({ description: 'Seconds to wait, as in the Retry-After header.' })),
  },
  { additionalProperties: true },
);

/** The problem schema as a shared component (registered by buildServer with app.addSchema). */
export const PROBLEM_SCHEMA_ID = 'Problem';
export const ProblemComponent = { ...ProblemSchema, $id: PROBLEM_SCHEMA_ID };

/** Problems every route may answer with. */
const ALWAYS: ErrorCode[] = ['INTERNAL'];
/** Problems of any route that reads a JSON body. */
export const BODY_PROBLEMS: ErrorCode[] = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
];
/** Problems of any authenticated route. */
export const AUTH_PROBLEMS: ErrorCode[] = ['UNAUTHENTICATED', 'RATE_LIMITED'];

function exampleProblem(code: ErrorCode) {
  const { status, title } = ERRORS[code];
  return {
    type: `https://privid.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    code,
    detail: title,
    ...(code === 'RATE_LIMITED' ? { retryAfter: 30 } : {}),
  };
}

/**
 * Response schemas for the problems a route can answer with, grouped by status, each documented
 * as application/problem+json with the possible codes and an example.
 */
export function problemResponses(...codes: ErrorCode[]): Record<number, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...new Set([...codes, ...ALWAYS])]) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, unknown> = {};
  for (const [status, group] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    responses[status] = {
      description: group.map((code) => `\`${code}\`: ${ERRORS[code].title}`).join('; '),
      content: {
        [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `${PROBLEM_SCHEMA_ID}#` }, example: exampleProblem(group[0]!) },
      },
    };
  }
  return responses;
}

/**
 * A success response: its JSON schema, a description and one example (every route has one). In
 * the content-type form, so that the example also shows for schemas shared as components.
 */
export function ok<T extends TSchema>(schema: T, description: string, example: unknown) {
  return { description, content: { 'application/json': { schema, example } } };
}

/** Short, because issuer metadata carries key revocations: a cache must not hide one for long. */
export const CACHE_CONTROL_PUBLIC = 'public, max-age=60';

/** A strong ETag of a body: the quoted base64url SHA-256 of its bytes. */
export function strongEtag(body: string): string {
  return `"${createHash('sha256').update(body, 'utf8').digest('base64url')}"`;
}

/** Whether an If-None-Match header value matches the ETag (RFC 9110: weak comparison, or "*"). */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/**
 * Sends a public, cacheable JSON body with a strong ETag, or 304 Not Modified when the client's
 * If-None-Match already names it. The body is serialized here so that the ETag is the hash of the
 * exact bytes sent.
 */
export function sendCacheable(request: FastifyRequest, reply: FastifyReply, body: unknown): FastifyReply {
  const text = JSON.stringify(body);
  const etag = strongEtag(text);
  reply.header('etag', etag).header('cache-control', CACHE_CONTROL_PUBLIC);
  if (ifNoneMatchMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(text);
}

/** The response entry for 304 Not Modified on cacheable routes. */
export const NOT_MODIFIED = {
  304: { type: 'null', description: 'Not modified: the If-None-Match header names the current ETag.' },
};

/** Headers of cacheable responses, for the OpenAPI document. */
export const CACHE_HEADERS = {
  etag: { type: 'string', description: 'Strong ETag: the quoted base64url SHA-256 of the body.' },
  'cache-control': { type: 'string', description: CACHE_CONTROL_PUBLIC },
};
