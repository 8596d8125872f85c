/**
 * The fastify application: plugins, the problem+json error handling, OpenAPI, and the role
 * routes. Built by `buildApp` so tests get the real app with their own database.
 *
 * Privacy in the transport layer: request logs carry a request id, method, route and status;
 * never bodies, headers, query strings or client IP addresses.
 */
import Fastify, { type FastifyError, type FastifyServerOptions } from 'fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import type { ServerConfig, TrustProxy } from './config.js';
import { TEXT_PATTERN_MESSAGES } from '../credential/index.js';
import { ApiError, PROBLEM_CONTENT_TYPE, problemOf } from './errors.js';
import { CounterBinding, counterStore } from './cluster/rate-limit-store.js';

export interface AppLogOptions {
  /** pino destination for tests that inspect logs; defaults to stdout. */
  readonly stream?: NodeJS.WritableStream;
  /** The counters the request rate limits use (bound to the database's by buildServer); default: in-process. */
  readonly rateCounters?: CounterBinding;
}

/** Logger options: structured, with serializers that keep personal data out. */
export function loggerOptions(
  config: Pick<ServerConfig, 'logLevel'>,
  log: AppLogOptions = {},
): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    ...(log.stream ? { stream: log.stream } : {}),
    serializers: {
      req: (req: { method: string; routeOptions?: { url?: string }; id: string }) => ({
        method: req.method,
        route: req.routeOptions?.url ?? 'unmatched',
        id: req.id,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    redact: { paths: ['req.headers', 'headers', 'authorization', 'body'], remove: true },
  };
}

export async function createFastify(config: ServerConfig, log: AppLogOptions = {}) {
  const app = Fastify({
    logger: loggerOptions(config, log),
    bodyLimit: config.bodyLimitBytes,
    // Slow clients (a body sent a byte a second, headers that never end) hold a connection and its
    // buffers: Node answers 408 and disconnects once the whole request has taken requestTimeout, or its
    // headers headersTimeout. Node checks every connectionsCheckingInterval (30 s by default; 1 s here,
    // a walk over the open connections). Responses are not limited: event streams and long polls go on.
    requestTimeout: config.requestTimeoutSeconds * 1000,
    http: {
      headersTimeout: Math.min(10, config.requestTimeoutSeconds) * 1000,
      connectionsCheckingInterval: 1000,
    },
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // false, a hop count, or the proxies' addresses/CIDRs (config.ts never allows "trust any").
    trustProxy: trustProxyOption(config.trustProxy),
    // A URL whose percent-escapes are not UTF-8 (e.g. %ED%BF%BF, a lone surrogate) is refused by the
    // router before any hook runs: answer it as problem+json like every other 400.
    frameworkErrors: (error, request, reply) => {
      const apiError =
        error.code === 'FST_ERR_BAD_URL'
          ? new ApiError('VALIDATION_FAILED', 'the URL is not valid: a percent-escape is not UTF-8 text', {
              errors: [{ path: 'url', message: 'a percent-escape is not UTF-8 text' }],
            })
          : toApiError(error);
      // The raw reply: this handler runs outside any route, so no response schema types it.
      const raw = reply as unknown as { status(code: number): { type(t: string): { send(body: unknown): void } } };
      raw
        .status(apiError.status)
        .type(PROBLEM_CONTENT_TYPE)
        .send(problemOf(apiError, request.url.split('?')[0]));
    },
    ajv: {
      // Unknown fields are errors, not silently dropped; types are never coerced.
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Graceful shutdown: requests in flight when close() starts are answered, with Connection: close, so
  // that their keep-alive connections do not hold the server open (fastify only closes the connections
  // that are idle when close() starts, and marks requests that arrive after it).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  // JSON only: fastify's default text/plain parser would hand route validation a string (400) where
  // the answer is 415 UNSUPPORTED_MEDIA_TYPE.
  app.removeContentTypeParser('text/plain');
  // An empty JSON body is no body (fastify's parser calls it malformed JSON); emptyBody below decides
  // whether the route needs one. fastify's own parser, with its prototype-poisoning checks, does the rest.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (String(body).trim() === '') return done(null, undefined);
    return jsonParser(request, String(body), done);
  });
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined) request.body = emptyBody(request.routeOptions.schema?.body);
  });

  app.setErrorHandler((error: FastifyError & { validation?: unknown[] }, request, reply) => {
    const apiError =
      error.validation &&
      (error as { validationContext?: string }).validationContext === 'body' &&
      request.body === undefined
        ? bodyRequired()
        : toApiError(error, request.headers['content-type']);
    if (apiError.status >= 500) request.log.error({ err: errorForLog(error) }, 'request failed');
    const problem = problemOf(apiError, request.url.split('?')[0]);
    if (apiError.code === 'RATE_LIMITED' || apiError.code === 'OVERLOADED' || apiError.extensions.retryAfter) {
      reply.header('retry-after', String(apiError.extensions.retryAfter ?? 1));
    }
    return reply.status(apiError.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = problemOf(new ApiError('NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`));
    return reply.status(404).type(PROBLEM_CONTENT_TYPE).send(problem);
  });

  await app.register(cors, {
    origin: config.corsOrigins.length > 0 ? [...config.corsOrigins] : false,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
  });
  await app.register(rateLimit, {
    global: false,
    // One store for every route (shared by the replicas on PostgreSQL), so the key names the route.
    store: counterStore(log.rateCounters ?? new CounterBinding()),
    keyGenerator: (request) => `${request.routeOptions.url ?? ''} ${request.ip}`,
    errorResponseBuilder: (_request, context) => {
      const retryAfter = Math.max(1, Math.ceil(context.ttl / 1000));
      return new ApiError('RATE_LIMITED', `rate limit exceeded, retry in ${retryAfter} s`, { retryAfter });
    },
  });
  await app.register(swagger, {
    // Shared schemas (app.addSchema) become components named by their $id.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'privid',
        version: '1',
        description:
          'Anonymous credentials with BBS selective-disclosure proofs: labs issue, wallets hold, venues verify. ' +
          'Errors are RFC 9457 problem+json with a stable `code`.',
      },
      components: {
        securitySchemes: {
          adminToken: { type: 'http', scheme: 'bearer', description: 'The admin token printed on first start.' },
          labKey: { type: 'http', scheme: 'bearer', description: 'A lab API key.' },
          venueKey: { type: 'http', scheme: 'bearer', description: 'A venue API key.' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  return app;
}

/**
 * fastify's trustProxy for a setting: a hop count becomes "trust the first n hops" (what fastify does
 * with a number at runtime, written as the function its types accept).
 */
export function trustProxyOption(
  setting: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (setting === false) return false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return [...setting];
}

/**
 * What an unexpected error leaves in the log: its type, code and call stack, but not its
 * message, which can quote data (a database driver's error, for one, repeats the values of
 * the query that failed: attribute values, codes).
 */
export function errorForLog(error: Error & { code?: unknown }): Record<string, unknown> {
  const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
  return { type: error.name, code: typeof error.code === 'string' ? error.code : undefined, stack: frames.join('\n') };
}

/** What `request.body` becomes when a POST came without one: `{}` where every field is optional. */
function emptyBody(schema: unknown): undefined | Record<string, never> {
  // No schema: the route reads no body. A `content` map: the route reads the raw body itself.
  if (typeof schema !== 'object' || schema === null || 'content' in schema) return undefined;
  const s = schema as { type?: unknown; required?: unknown };
  if (s.type === 'object' && (!Array.isArray(s.required) || s.required.length === 0)) return {};
  // Required: left undefined, so that the path and query are validated first; the error handler
  // answers the body's failure with "a JSON body is required".
  return undefined;
}

const bodyRequired = (): ApiError =>
  new ApiError('VALIDATION_FAILED', 'a JSON body is required (content-type application/json)', {
    errors: [{ path: 'body', message: 'a JSON body is required' }],
  });

/** The media types the app parses, for 415 answers (the submit route says its own). */
export const ACCEPTED_CONTENT_TYPES = ['application/json'] as const;

interface AjvError {
  keyword?: string;
  instancePath?: string;
  schemaPath?: string;
  message?: string;
  params?: {
    pattern?: string;
    allowedValues?: unknown[];
    allowedValue?: unknown;
    missingProperty?: string;
    additionalProperty?: string;
  };
}

function isTextPatternError(v: AjvError): boolean {
  return v.keyword === 'pattern' && v.params?.pattern !== undefined && v.params.pattern in TEXT_PATTERN_MESSAGES;
}

/** One entry of a VALIDATION_FAILED problem's `errors`: where, what, and the values allowed there. */
interface ValidationDetail {
  path: string;
  message: string | undefined;
  allowed?: unknown[];
}

const literalText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * ajv's errors as a person can act on them: the offending property as a JSON Pointer (a missing or
 * unknown property named, not its parent), and for enums, consts and unions of literals the list
 * of values allowed ("must be one of: negative, positive, inconclusive").
 */
export function validationDetails(context: string, validation: readonly AjvError[]): ValidationDetail[] {
  // A union of literals fails as one const error per branch, then anyOf: gather them per property.
  const literals = new Map<string, unknown[]>();
  for (const v of validation) {
    if (v.keyword === 'const' && /\/anyOf\/\d+\/const$/.test(v.schemaPath ?? '')) {
      const at = v.instancePath ?? '';
      literals.set(at, [...(literals.get(at) ?? []), v.params?.allowedValue]);
    }
  }
  const details: ValidationDetail[] = [];
  for (const v of validation) {
    const at = v.instancePath ?? '';
    const path = `${context}${at}`;
    if (v.keyword === 'const' && literals.has(at) && /\/anyOf\/\d+\/const$/.test(v.schemaPath ?? '')) continue;
    if (v.keyword === 'anyOf' && literals.has(at)) {
      const allowed = literals.get(at)!;
      details.push({ path, message: `must be one of: ${allowed.map(literalText).join(', ')}`, allowed });
      continue;
    }
    switch (v.keyword) {
      case 'enum': {
        const allowed = v.params?.allowedValues ?? [];
        details.push({ path, message: `must be one of: ${allowed.map(literalText).join(', ')}`, allowed });
        break;
      }
      case 'const':
        details.push({
          path,
          message: `must be ${literalText(v.params?.allowedValue)}`,
          allowed: [v.params?.allowedValue],
        });
        break;
      case 'required':
        details.push({ path: `${path}/${pointerToken(v.params?.missingProperty ?? '')}`, message: 'is required' });
        break;
      case 'additionalProperties':
        details.push({
          path: `${path}/${pointerToken(v.params?.additionalProperty ?? '')}`,
          message: 'is not a known property here',
        });
        break;
      default:
        details.push({ path, message: isTextPatternError(v) ? TEXT_PATTERN_MESSAGES[v.params!.pattern!] : v.message });
    }
  }
  return details;
}

/** RFC 6901: "~" and "/" inside a property name. */
function pointerToken(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * PostgreSQL's refusal of text it cannot store: SQLSTATE 22021 (NUL, "invalid byte sequence") and
 * 22P05 (untranslatable character, e.g. "\u0000" or a lone surrogate in jsonb), as Prisma reports it
 * (P2039, P2007, with the driver's code in meta) or as pg does on a plain-SQL session.
 */
export function isUnstorableTextError(error: unknown, depth = 0): boolean {
  const codes = new Set(['22021', '22P05']);
  const e = error as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
    cause?: unknown;
  } | null;
  if (e === null || typeof e !== 'object' || depth > 4) return false;
  if (typeof e.code === 'string' && codes.has(e.code)) return true;
  const original = e.meta?.driverAdapterError?.cause?.originalCode;
  if (typeof original === 'string' && codes.has(original)) return true;
  return e.cause !== undefined && isUnstorableTextError(e.cause, depth + 1);
}

/**
 * The database could not take the work in time: every pooled connection busy (Prisma P2028, "unable
 * to start a transaction in the given time", or P2024, "timed out fetching a new connection"). A
 * burst at one replica (50 concurrent redemptions on a pool of 10) is a normal condition: the client
 * gets 503 with Retry-After and nothing was changed, not a 500.
 */
export function isDatabaseBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'P2028' || code === 'P2024';
}

/** Maps anything thrown in a request to a catalogued API error. */
export function toApiError(error: FastifyError & { validation?: unknown[] }, contentType?: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) {
    const context = (error as { validationContext?: string }).validationContext ?? 'body';
    const errors = validationDetails(context, error.validation as AjvError[]);
    // The first problem, named by its property: "body/attributes/testResult must be one of: …".
    const first = errors[0];
    return new ApiError(
      'VALIDATION_FAILED',
      first ? `${first.path} ${first.message ?? 'is not valid'}` : error.message,
      {
        errors,
      },
    );
  }
  if (isDatabaseBusyError(error)) {
    return new ApiError('UNAVAILABLE', 'the database is busy: retry shortly', { retryAfter: 1 });
  }
  if (isUnstorableTextError(error)) {
    // The schemas refuse such text before it gets here; this is the net under a field they miss.
    return new ApiError(
      'VALIDATION_FAILED',
      'a text value contains a character that cannot be stored: U+0000 (NUL) or an unpaired UTF-16 surrogate',
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(
        'UNSUPPORTED_MEDIA_TYPE',
        `${contentType ? `content type ${contentType.split(';')[0]!.trim()}` : 'a body without a content type'} is not accepted; accepted: ${ACCEPTED_CONTENT_TYPES.join(', ')}`,
        { accepted: [...ACCEPTED_CONTENT_TYPES] },
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('MALFORMED_JSON', 'the body is shorter or longer than its Content-Length');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('MALFORMED_JSON');
  }
  if (error.statusCode === 429) return new ApiError('RATE_LIMITED');
  if (error instanceof SyntaxError || error.statusCode === 400)
    return new ApiError('MALFORMED_JSON', 'the body is not valid JSON');
  return new ApiError('INTERNAL', 'internal error');
}
