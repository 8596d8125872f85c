/**
 * The verifier API:
 * - admin (admin token): venues and their API keys and policies; the trust list;
 * - venue (venue API key): policies, presentation requests and their outcomes (poll or server-sent
 *   events), the trust-list snapshot for offline kiosks, and stateless verification;
 * - wallet (no account, rate-limited per client): answering a presentation request.
 *
 * Logs carry request ids, outcome codes and statuses; never proofs, nonces, disclosed values or
 * pseudonyms (nor bodies or client addresses: see app.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type, { type Static } from 'typebox';
import { actorOf } from '../auth.js';
import { ApiError } from '../errors.js';
import {
  AUTH_PROBLEMS,
  BODY_PROBLEMS,
  CACHE_HEADERS,
  closed,
  NOT_MODIFIED,
  ok,
  problemResponses,
  sendCacheable,
  Text,
} from '../ops/http.js';
import type { App, ServerContext } from '../server.js';
import {
  AddTrustedIssuerBodySchema,
  CreatedPolicySchema,
  CreatedRequestSchema,
  CreatePolicyBodySchema,
  CreateRequestBodySchema,
  EXAMPLE,
  exampleCreatedRequest,
  examplePolicy,
  exampleRequestView,
  exampleTrustedIssuer,
  exampleVenue,
  exampleVenueKey,
  exampleVerifyResult,
  NewVenueKeySchema,
  PolicyViewSchema,
  PolicyTemplateViewSchema,
  RequestParams,
  RequestViewSchema,
  exampleSigningJwk,
  JwkSchema,
  JwksSchema,
  SUBMIT_CONTENT_TYPES,
  SubmitBodySchema,
  SubmitQrBodySchema,
  SubmitResultSchema,
  TrustedIssuerParams,
  TrustedIssuerViewSchema,
  VenueApiKeyViewSchema,
  VenueInfoSchema,
  VenueKeyParams,
  VenueName,
  VenueParams,
  VenueViewSchema,
  VerifyBodySchema,
  VerifyResultSchema,
} from './api-schemas.js';
import { exampleTrustList, TrustListResponseSchema } from './trust-list.js';
import {
  requestView,
  venueRequest,
  createRequest,
  signedRequestObject,
  submitPresentation,
  verifyStateless,
} from './requests.js';
import { checkPolicyDefinition, createPolicy, policyView, type PolicyDefinition } from './policies.js';
import { BUILTIN_POLICIES, BUILTIN_POLICY_IDS, expandBuiltinPolicy, policyTemplateView } from './builtin-policies.js';
import { pinnedIssuerInput, trustedIssuerView } from './trust-views.js';
import type { VerifierService } from './service.js';
import { requireVenue, venueOf, venueView } from './venues.js';
import { apiKeyView } from '../security/api-keys.js';

/** How long a long poll of the events route waits before answering with the current state. */
const LONG_POLL_MS = 25_000;
/** Server-sent events: a comment line this often keeps proxies from closing the stream. */
const SSE_HEARTBEAT_MS = 15_000;

export function verifierRoutes(service: VerifierService) {
  return async (app: App, ctx: ServerContext): Promise<void> => {
    const prisma = ctx.db.prisma;
    const s = service.services;
    const admin = { onRequest: ctx.auth.admin, security: [{ adminToken: [] }] };
    const venue = { onRequest: service.venueKeys.authenticate, security: [{ venueKey: [] }] };
    const publicUrl = ctx.config.publicUrl;
    /** Open event streams, ended when the server closes (so that close does not wait for them). */
    const streams = new Set<() => void>();
    app.addHook('preClose', async () => {
      for (const end of [...streams]) end();
    });

    // -------------------------------------------------------------------------------------------
    // Admin: venues
    // -------------------------------------------------------------------------------------------

    app.post(
      '/v1/admin/venues',
      {
        onRequest: admin.onRequest,
        schema: {
          tags: ['admin: venues'],
          summary: 'Create a venue (a verifier) and its first API key',
          security: admin.security,
          body: closed({ name: VenueName }, { examples: [{ name: EXAMPLE.venueName }] }),
          response: {
            201: ok(
              closed({ venue: VenueViewSchema, apiKey: VenueApiKeyViewSchema, key: NewVenueKeySchema.properties.key }),
              'The venue and its API key, shown only here.',
              { venue: exampleVenue, apiKey: exampleVenueKey, key: EXAMPLE.apiKey },
            ),
            ...problemResponses(...BODY_PROBLEMS, ...AUTH_PROBLEMS, 'CONFLICT'),
          },
        },
      },
      async (request, reply) => {
        const created = await service.venueKeys.createVenue(actorOf(request, 'admin'), request.body.name);
        return reply.code(201).send({
          venue: venueView(created.venue, publicUrl),
          apiKey: apiKeyView(created.key),
          key: created.secret,
        });
      },
    );

    app.get(
      '/v1/admin/venues',
      {
        onRequest: admin.onRequest,
        schema: {
          tags: ['admin: venues'],
          summary: 'List the venues',
          security: admin.security,
          response: {
            200: ok(closed({ venues: Type.Array(VenueViewSchema) }), 'Every venue, oldest first.', {
              venues: [exampleVenue],
            }),
            ...problemResponses(...AUTH_PROBLEMS),
          },
        },
      },
      async () => ({
        venues: (await prisma.venue.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).map((v) =>
          venueView(v, publicUrl),
        ),
      }),
    );

    app.get(
      '/v1/admin/venues/:venueId',
      {
        onRequest: admin.onRequest,
        schema: {
          tags: ['admin: venues'],
          summary: 'A venue with its API keys and policies',
          security: admin.security,
          params: VenueParams,
          response: {
            200: ok(
              closed({
                venue: VenueViewSchema,
                apiKeys: Type.Array(VenueApiKeyViewSchema),
                policies: Type.Array(PolicyViewSchema),
              }),
              'The venue.',
              { venue: exampleVenue, apiKeys: [exampleVenueKey], policies: [examplePolicy] },
            ),
            ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', ...AUTH_PROBLEMS),
          },
        },
      },
      async (request) => {
        const found = await requireVenue(prisma, request.params.venueId);
        const [apiKeys, policies] = await Promise.all([
          prisma.apiKey.findMany({ where: { venueId: found.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
          prisma.policy.findMany({ where: { venueId: found.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
        ]);
        return {
          venue: venueView(found, publicUrl),
          apiKeys: apiKeys.map(apiKeyView),
          policies: policies.map(policyView),
        };
      },
    );

    app.post(
      '/v1/admin/venues/:venueId/disable',
      {
        onRequest: admin.onRequest,
        schema: {
          tags: ['admin: venues'],
          summary: 'Disable a venue: its API keys stop working and its requests can no longer be answered',
          security: admin.security,
          params: VenueParams,
          response: {
            200: ok(VenueViewSchema, 'The disabled venue.', { ...exampleVenue, disabledAt: EXAMPLE.expiresAt }),
            ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', ...AUTH_PROBLEMS),
          },
        },
      },
      async (request) =>
        venueView(await service.venueKeys.disableVenue(actorOf(request, 'admin'), request.params.venueId), publicUrl),
    );

    app.post(
      '/v1/admin/venues/:venueId/api-keys',
      {
        onRequest: admin.onRequest,
        schema: {
          tags: ['admin: venues'],
          summary: 'Create another API key for a venue (e.g. one per door, or to rotate keys)',
          security: admin.security,
          params: VenueParams,
          response: {
            201: ok(NewVenueKeySchema, 'The API key, shown only here.', {
              apiKey: exampleVenueKey,
              key: EXAMPLE.apiKey,
            }),
            ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', ...AUTH_PROBLEMS),
          },
        },
      },
      async (request, reply) => {
        const created = await service.venueKeys.createKey(actorOf(request, 'admin'), request.params.venueId);
        return reply.code(201).send({ apiKey: apiKeyView(created.key), key: created.secret });
      },
    );

    app.post(
      '/v1/admin/venues/:venueId/api-keys/:apiKeyId/revoke',
      {
        onRequest: admin.onRequest,
        schema: {
          tags: ['admin: venues'],
          summary: "Revoke one of a venue's API keys",
          security: admin.security,
          params: VenueKeyParams,
          response: {
            200: ok(VenueApiKeyViewSchema, 'The revoked key.', { ...exampleVenueKey, revokedAt: EXAMPLE.expiresAt }),
            ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', ...AUTH_PROBLEMS),
          },
        },
      },
      async (request) =>
        apiKeyView(
          await service.venueKeys.revokeKey(actorOf(request, 'admin'), request.params.venueId, request.params.apiKeyId),
        ),
    );

    const policyResponses = {
      201: ok(CreatedPolicySchema, 'The policy (immutable), with warnings.', { policy: examplePolicy, warnings: [] }),
      ...problemResponses(...BODY_PROBLEMS, 'NOT_FOUND', 'CONFLICT', ...AUTH_PROBLEMS),
    };
    const policyDescription =
      'Groups that must all be satisfied, each by one of its alternative clauses (schema, accepted issuers, ' +
      'disclosures, constraints), and optionally a venue-scoped pseudonym: with period day or week, a second ' +
      'accepted presentation by the same guest in the same period is rejected (PSEUDONYM_ALREADY_USED). ' +
      'Policies are immutable: create one under a new name to change what the venue asks. ' +
      'Instead of a definition, name a built-in (GET /v1/policy-templates): { name, builtin, issuers? } stores its ' +
      'expanded definition, over the named issuers or every issuer on the trust list at that moment.';
    const addPolicy = async (
      actor: Parameters<typeof createPolicy>[1],
      venueId: string,
      body: Static<typeof CreatePolicyBodySchema>,
    ) => {
      const definition = await policyDefinitionOf(body);
      const warnings = checkPolicyDefinition(definition, service.trust);
      const policy = await createPolicy(prisma, actor, venueId, body.name, definition);
      return { policy: policyView(policy), warnings };
    };

    /** The body's definition, or the built-in it names expanded (exactly one of the two). */
    const policyDefinitionOf = async (body: Static<typeof CreatePolicyBodySchema>): Promise<PolicyDefinition> => {
      const fail = (path: string, message: string) =>
        new ApiError('VALIDATION_FAILED', message, { errors: [{ path, message }] });
      if (body.definition !== undefined && body.builtin !== undefined) {
        throw fail('body', 'give either definition or builtin, not both');
      }
      if (body.builtin === undefined) {
        if (body.definition === undefined) {
          throw fail(
            'body',
            `give definition (groups of clauses) or builtin (one of ${BUILTIN_POLICY_IDS.join(', ')})`,
          );
        }
        if (body.issuers !== undefined) {
          throw fail('body/issuers', 'issuers goes with builtin only: a definition names the issuers in each clause');
        }
        return body.definition as PolicyDefinition;
      }
      // The trust list as the database has it now, not as this replica last loaded it: it is stored.
      if (body.issuers === undefined) await service.trust.reload();
      return expandBuiltinPolicy(body.builtin, body.issuers, service.trust);
    };

    app.post(
      '/v1/admin/venues/:venueId/policies',
      {
        onRequest: admin.onRequest,
        schema: {
          tags: ['admin: venues'],
          summary: 'Create a policy for a venue',
          description: policyDescription,
          security: admin.security,
          params: VenueParams,
          body: CreatePolicyBodySchema,
          response: policyResponses,
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            await addPolicy(
              actorOf(request, 'admin'),
              (await requireVenue(prisma, request.params.venueId)).id,
              request.body,
            ),
          ),
    );

    // -------------------------------------------------------------------------------------------
    // Admin: trust list
    // -------------------------------------------------------------------------------------------

    app.post(
      '/v1/admin/trusted-issuers',
      {
        onRequest: admin.onRequest,
        schema: {
          tags: ['admin: trust list'],
          summary: 'Trust an issuer, by its metadata URL (synced) or pinned to keys',
          description:
            'By metadata URL: the metadata is fetched at once and then every PRIVID_TRUST_SYNC_INTERVAL seconds; ' +
            'if the first fetch fails the issuer is listed with lastSyncError and retried on schedule. Pinned: each key ' +
            'as a JWK {kty: OKP, crv: Bls12381G2, x} or a Multikey publicKeyMultibase; every key must be a valid ' +
            'BLS12-381 G2 point in the prime-order subgroup (INVALID_CRYPTO_INPUT otherwise).',
          security: admin.security,
          body: AddTrustedIssuerBodySchema,
          response: {
            201: ok(TrustedIssuerViewSchema, 'The trust-list entry.', exampleTrustedIssuer),
            ...problemResponses(...BODY_PROBLEMS, 'INVALID_CRYPTO_INPUT', 'CONFLICT', ...AUTH_PROBLEMS),
          },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request, 'admin');
        const body = request.body;
        const row =
          'metadataUrl' in body
            ? await service.trust.addByMetadataUrl(actor, body.metadataUrl, body.label)
            : await service.trust.addPinned(actor, pinnedIssuerInput(body));
        return reply.code(201).send(trustedIssuerView(row));
      },
    );

    app.get(
      '/v1/admin/trusted-issuers',
      {
        onRequest: admin.onRequest,
        schema: {
          tags: ['admin: trust list'],
          summary: 'The trust list with each issuer’s sync status',
          security: admin.security,
          response: {
            200: ok(closed({ trustedIssuers: Type.Array(TrustedIssuerViewSchema) }), 'Oldest first.', {
              trustedIssuers: [exampleTrustedIssuer],
            }),
            ...problemResponses(...AUTH_PROBLEMS),
          },
        },
      },
      async () => {
        await service.trust.reload();
        return { trustedIssuers: service.trust.entries.map((e) => trustedIssuerView(e.row)) };
      },
    );

    app.get(
      '/v1/admin/trusted-issuers/:trustedIssuerId',
      {
        onRequest: admin.onRequest,
        schema: {
          tags: ['admin: trust list'],
          summary: 'One trusted issuer',
          security: admin.security,
          params: TrustedIssuerParams,
          response: {
            200: ok(TrustedIssuerViewSchema, 'The entry.', exampleTrustedIssuer),
            ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', ...AUTH_PROBLEMS),
          },
        },
      },
      async (request) => {
        const row = await prisma.trustedIssuer.findUnique({ where: { id: request.params.trustedIssuerId } });
        if (!row) throw new ApiError('NOT_FOUND', 'no such trusted issuer');
        return trustedIssuerView(row);
      },
    );

    app.delete(
      '/v1/admin/trusted-issuers/:trustedIssuerId',
      {
        onRequest: admin.onRequest,
        schema: {
          tags: ['admin: trust list'],
          summary: 'Stop trusting an issuer: its credentials are rejected from now on',
          security: admin.security,
          params: TrustedIssuerParams,
          response: {
            200: ok(closed({ removed: Type.Literal(true) }), 'Removed.', { removed: true }),
            ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', ...AUTH_PROBLEMS),
          },
        },
      },
      async (request) => {
        await service.trust.remove(actorOf(request, 'admin'), request.params.trustedIssuerId);
        return { removed: true as const };
      },
    );

    app.post(
      '/v1/admin/trusted-issuers/:trustedIssuerId/sync',
      {
        onRequest: admin.onRequest,
        schema: {
          tags: ['admin: trust list'],
          summary: "Sync an issuer's metadata now",
          description:
            'Sends If-None-Match with the stored ETag. Answers 200 whether or not the issuer could be reached: a failure ' +
            'is in lastSyncError, and the previous snapshot stays in force.',
          security: admin.security,
          params: TrustedIssuerParams,
          response: {
            200: ok(TrustedIssuerViewSchema, 'The entry after the sync.', exampleTrustedIssuer),
            ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', ...AUTH_PROBLEMS),
          },
        },
      },
      async (request) => trustedIssuerView(await service.trust.sync(request.params.trustedIssuerId)),
    );

    app.post(
      '/v1/admin/trusted-issuers/sync',
      {
        onRequest: admin.onRequest,
        schema: {
          tags: ['admin: trust list'],
          summary: 'Sync every issuer followed by metadata URL now',
          security: admin.security,
          body: closed({}, { examples: [{}], description: 'Empty' }),
          response: {
            200: ok(closed({ trustedIssuers: Type.Array(TrustedIssuerViewSchema) }), 'Every synced entry.', {
              trustedIssuers: [exampleTrustedIssuer],
            }),
            ...problemResponses(...BODY_PROBLEMS, ...AUTH_PROBLEMS),
          },
        },
      },
      async () => ({ trustedIssuers: (await service.trust.syncAll()).map(trustedIssuerView) }),
    );

    // -------------------------------------------------------------------------------------------
    // Venue: policies, trust list
    // -------------------------------------------------------------------------------------------

    app.get(
      '/v1/venue',
      {
        onRequest: venue.onRequest,
        schema: {
          tags: ['venue'],
          summary: 'The calling venue and its policies',
          security: venue.security,
          response: {
            200: ok(closed({ venue: VenueViewSchema, policies: Type.Array(PolicyViewSchema) }), 'The venue.', {
              venue: exampleVenue,
              policies: [examplePolicy],
            }),
            ...problemResponses(...AUTH_PROBLEMS),
          },
        },
      },
      async (request) => {
        const venueId = venueOf(request);
        const [found, policies] = await Promise.all([
          requireVenue(prisma, venueId),
          prisma.policy.findMany({ where: { venueId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
        ]);
        return { venue: venueView(found, publicUrl), policies: policies.map(policyView) };
      },
    );

    app.post(
      '/v1/venue/policies',
      {
        onRequest: venue.onRequest,
        schema: {
          tags: ['venue'],
          summary: 'Create a policy',
          description: policyDescription,
          security: venue.security,
          body: CreatePolicyBodySchema,
          response: policyResponses,
        },
      },
      async (request, reply) => {
        const venueId = venueOf(request);
        return reply.code(201).send(await addPolicy({ kind: 'venue', id: venueId }, venueId, request.body));
      },
    );

    app.get(
      '/v1/policy-templates',
      {
        schema: {
          tags: ['venue'],
          summary: 'The built-in policies a venue can create by name ({ name, builtin })',
          description:
            'Public: the same for every caller and nothing in it is secret, so a venue (or its integrator) can read ' +
            'it before it has an API key. Every built-in discloses no value (each statement is proven over a hidden ' +
            'value) and checks validity; its clauses accept the issuers named at creation, or the trust list. ' +
            'Cacheable: strong ETag; send If-None-Match to get 304.',
          security: [],
          headers: Type.Object({ 'if-none-match': Type.Optional(Text({ maxLength: 1024 })) }),
          response: {
            200: {
              ...ok(closed({ templates: Type.Array(PolicyTemplateViewSchema) }), 'The built-in policies.', {
                templates: [policyTemplateView(BUILTIN_POLICIES[1]!)],
              }),
              headers: CACHE_HEADERS,
            },
            ...NOT_MODIFIED,
            ...problemResponses(),
          },
        },
      },
      async (request, reply) => sendCacheable(request, reply, { templates: BUILTIN_POLICIES.map(policyTemplateView) }),
    );

    app.get(
      '/v1/venue/trust-list',
      {
        onRequest: venue.onRequest,
        schema: {
          tags: ['venue'],
          summary: 'The trust list, for kiosks that verify offline with privid/verifier',
          description:
            'The privid/verifier TrustList format (issuers, keys with their status). Cacheable: strong ETag; send ' +
            'If-None-Match to get 304 while it has not changed.',
          security: venue.security,
          headers: Type.Object({ 'if-none-match': Type.Optional(Text({ maxLength: 1024 })) }),
          response: {
            200: { ...ok(TrustListResponseSchema, 'The trust list.', exampleTrustList), headers: CACHE_HEADERS },
            ...NOT_MODIFIED,
            ...problemResponses(...AUTH_PROBLEMS),
          },
        },
      },
      async (request, reply) => {
        await service.trust.reload();
        return sendCacheable(request, reply, service.trustList()).header('cache-control', 'private, max-age=60');
      },
    );

    // -------------------------------------------------------------------------------------------
    // Venue: requests and outcomes
    // -------------------------------------------------------------------------------------------

    app.post(
      '/v1/venue/requests',
      {
        onRequest: venue.onRequest,
        schema: {
          tags: ['venue'],
          summary: 'Create a presentation request from a policy (show its QR text to the guest)',
          description:
            'A fresh 32-byte nonce (single use; only its hash is stored) and an expiry of PRIVID_REQUEST_TTL seconds. ' +
            'The guest’s wallet answers at submitUrl; the screen learns the outcome by polling GET ' +
            '/v1/venue/requests/{requestId} or from its events.',
          security: venue.security,
          body: CreateRequestBodySchema,
          response: {
            201: ok(CreatedRequestSchema, 'The request, as JSON and as QR text.', exampleCreatedRequest),
            ...problemResponses(...BODY_PROBLEMS, 'NOT_FOUND', ...AUTH_PROBLEMS),
          },
        },
      },
      async (request, reply) => reply.code(201).send(await createRequest(s, venueOf(request), request.body.policy)),
    );

    app.get(
      '/v1/venue/requests/:requestId',
      {
        onRequest: venue.onRequest,
        schema: {
          tags: ['venue'],
          summary: 'A request’s status; the outcome with the disclosed values, once',
          description:
            'The first read after the answer includes `outcome` (accepted, or rejected with reason codes; on ' +
            'acceptance exactly the values the policy asked for). The disclosed values are kept in memory only until ' +
            'delivered once or until they expire; later reads show the status and outcome code only.',
          security: venue.security,
          params: RequestParams,
          response: {
            200: ok(RequestViewSchema, 'The request.', exampleRequestView),
            ...problemResponses('NOT_FOUND', ...AUTH_PROBLEMS),
          },
        },
      },
      async (request) => {
        const venueId = venueOf(request);
        const row = await venueRequest(s, venueId, request.params.requestId);
        return requestView(row, ctx.now(), s.hub.take(row.id, venueId));
      },
    );

    app.get(
      '/v1/venue/requests/:requestId/events',
      {
        onRequest: venue.onRequest,
        schema: {
          tags: ['venue'],
          summary: 'Wait for a request’s outcome: server-sent events, or a JSON long poll',
          description:
            'With `Accept: text/event-stream`: an `event: status` with the current state, then one `event: outcome` ' +
            '(the request view with its outcome) or `event: expired`, then the stream ends; `: keep-alive` comments ' +
            'every 15 s. Otherwise a long poll: answers JSON (the request view) as soon as the outcome is known, the ' +
            'request expires, or 25 s pass. 429 OVERLOADED with Retry-After when PRIVID_EVENT_WAITERS screens already ' +
            'wait (GET /v1/venue/requests/{requestId} still answers).',
          security: venue.security,
          params: RequestParams,
          response: {
            200: {
              description: 'The request view (JSON), or a text/event-stream of them.',
              content: {
                'application/json': { schema: RequestViewSchema, example: exampleRequestView },
                'text/event-stream': {
                  schema: { type: 'string' },
                  example: `event: status\ndata: {"id":"${EXAMPLE.requestId}","status":"pending"}\n\nevent: outcome\ndata: ${JSON.stringify(exampleRequestView)}\n\n`,
                },
              },
            },
            ...problemResponses('NOT_FOUND', ...AUTH_PROBLEMS, 'OVERLOADED'),
          },
        },
      },
      async (request, reply) => {
        const venueId = venueOf(request);
        const row = await venueRequest(s, venueId, request.params.requestId);
        const accept = request.headers.accept ?? '';
        // Taken before the stream starts, so that a refusal is still an ordinary 429 problem.
        const release = service.waiters.enter();
        if (accept.includes('text/event-stream')) return streamEvents(request, reply, venueId, row.id, release);
        try {
          return await longPoll(venueId, row.id);
        } finally {
          release();
        }
      },
    );

    /** The request view as soon as it is final (or at the deadline). */
    async function longPoll(venueId: string, requestId: string) {
      const row = await venueRequest(s, venueId, requestId);
      const status = requestView(row, ctx.now(), undefined).status;
      if (status !== 'pending' && status !== 'verifying') {
        return requestView(row, ctx.now(), s.hub.take(requestId, venueId));
      }
      const waitMs = Math.min(LONG_POLL_MS, Math.max(0, row.expiresAt.getTime() - ctx.now().getTime()) + 50);
      const outcome = await new Promise<ReturnType<typeof s.hub.take>>((resolve) => {
        const timer = setTimeout(() => {
          stop();
          resolve(undefined);
        }, waitMs);
        const stop = s.hub.listen(requestId, (o) => {
          clearTimeout(timer);
          resolve(o);
        });
      });
      const latest = await venueRequest(s, venueId, requestId);
      return requestView(latest, ctx.now(), outcome ?? s.hub.take(requestId, venueId));
    }

    async function streamEvents(
      request: FastifyRequest,
      reply: FastifyReply,
      venueId: string,
      requestId: string,
      release: () => void,
    ) {
      reply.hijack();
      const raw = reply.raw;
      const headers: Record<string, string | number | string[]> = {};
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
      raw.writeHead(200, {
        ...headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let closed = false;
      const cleanups: (() => void)[] = [release];
      const end = () => {
        if (closed) return;
        closed = true;
        streams.delete(end);
        for (const cleanup of cleanups) cleanup();
        raw.end();
      };
      streams.add(end);
      const send = (event: string, data: unknown) => {
        if (!closed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      request.raw.on('close', end);
      cleanups.push(() => request.raw.off('close', end));

      const row = await venueRequest(s, venueId, requestId);
      const view = requestView(row, ctx.now(), undefined);
      send('status', { id: view.id, status: view.status });
      if (view.status === 'expired') {
        send('expired', view);
        return end();
      }
      if (view.status !== 'pending' && view.status !== 'verifying') {
        send('outcome', requestView(row, ctx.now(), s.hub.take(requestId, venueId)));
        return end();
      }
      const finalize = async (outcome: ReturnType<typeof s.hub.take>) => {
        try {
          const latest = await venueRequest(s, venueId, requestId);
          const final = requestView(latest, ctx.now(), outcome);
          if (final.status === 'expired') send('expired', final);
          else if (final.status === 'pending' || final.status === 'verifying') return;
          else send('outcome', outcome ? final : requestView(latest, ctx.now(), s.hub.take(requestId, venueId)));
        } catch {
          // The request was purged meanwhile: nothing more to say.
        }
        end();
      };
      cleanups.push(s.hub.listen(requestId, (outcome) => void finalize(outcome)));
      const expiry = setTimeout(
        () => void finalize(undefined),
        Math.max(0, row.expiresAt.getTime() - ctx.now().getTime()) + 50,
      );
      cleanups.push(() => clearTimeout(expiry));
      // The heartbeat also catches outcomes recorded by another server process (without the disclosed values).
      const heartbeat = setInterval(() => {
        if (!closed) raw.write(': keep-alive\n\n');
        void finalize(undefined);
      }, SSE_HEARTBEAT_MS);
      cleanups.push(() => clearInterval(heartbeat));
    }

    app.post(
      '/v1/verify',
      {
        onRequest: venue.onRequest,
        schema: {
          tags: ['venue'],
          summary: 'Verify a presentation against a request the caller made itself (stateless)',
          description:
            'For integrators that manage their own requests and nonces: nothing is stored, and single use of the ' +
            'nonce and pseudonym rules are the caller’s job. Verification runs on the worker pool; 429 OVERLOADED ' +
            'with Retry-After when its queue is full.',
          security: venue.security,
          body: VerifyBodySchema,
          response: {
            200: ok(VerifyResultSchema, 'The verification result.', exampleVerifyResult),
            ...problemResponses(...BODY_PROBLEMS, ...AUTH_PROBLEMS, 'FORBIDDEN', 'OVERLOADED'),
          },
        },
      },
      async (request) => verifyStateless(s, venueOf(request), request.body),
    );

    // -------------------------------------------------------------------------------------------
    // Wallet
    // -------------------------------------------------------------------------------------------

    // The submit route takes the presentation as JSON or as its QR text; its own scope so that only it
    // accepts text/plain, and an empty body gets a clear 400 instead of a JSON parse error.
    await app.register(async (scope) => {
      const child = scope as unknown as App;
      child.removeContentTypeParser('application/json');
      child.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
        const body = String(text);
        if (body.trim() === '') return done(null, undefined);
        try {
          done(null, JSON.parse(body) as unknown);
        } catch {
          done(new ApiError('MALFORMED_JSON', 'the body is not valid JSON'), undefined);
        }
      });
      child.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, text, done) =>
        done(null, String(text).trim() === '' ? undefined : String(text).trim()),
      );
      child.addContentTypeParser('*', (request, _payload, done) =>
        done(
          new ApiError(
            'UNSUPPORTED_MEDIA_TYPE',
            `${request.headers['content-type'] ?? 'no content type'} is not accepted: send the presentation as ${SUBMIT_CONTENT_TYPES[0]} or its PRIVID1:P: QR text as ${SUBMIT_CONTENT_TYPES[1]}`,
            { accepted: [...SUBMIT_CONTENT_TYPES] },
          ),
          undefined,
        ),
      );
      child.post(
        '/v1/requests/:requestId/presentation',
        {
          config: { rateLimit: { max: ctx.config.submitRateLimitPerMinute, timeWindow: 60_000 } },
          preValidation: async (request) => {
            if (request.body === undefined || request.body === null) {
              throw new ApiError(
                'VALIDATION_FAILED',
                `the body is empty: send the presentation as ${SUBMIT_CONTENT_TYPES[0]}, or its PRIVID1:P: QR text as ${SUBMIT_CONTENT_TYPES[1]}`,
                { errors: [{ path: 'body', message: 'required' }] },
              );
            }
          },
          schema: {
            tags: ['wallet'],
            summary: "Answer a venue's presentation request (the request object's response_uri)",
            description:
              'No account: rate-limited per client (PRIVID_SUBMIT_RATE_LIMIT per minute). The body is the presentation JSON ' +
              '(application/json) or its PRIVID1:P: QR text (text/plain). The first answer is verified ' +
              '(exactly once per request); the venue’s screen gets the outcome. The wallet learns accepted or rejected ' +
              'with reason codes. A presentation made for another request or venue is rejected (PRESENTATION_REPLAYED); ' +
              'under a policy with a daily, weekly or monthly pseudonym a second entry in the period is PSEUDONYM_ALREADY_USED.',
            security: [],
            params: RequestParams,
            body: {
              content: {
                'application/json': { schema: SubmitBodySchema },
                'text/plain': { schema: SubmitQrBodySchema },
              },
            },
            response: {
              200: ok(SubmitResultSchema, 'The outcome.', {
                requestId: EXAMPLE.requestId,
                status: 'accepted',
                reasons: [],
              }),
              ...problemResponses(
                ...BODY_PROBLEMS,
                'NOT_FOUND',
                'REQUEST_EXPIRED',
                'REQUEST_ALREADY_ANSWERED',
                'RATE_LIMITED',
                'OVERLOADED',
              ),
            },
          },
        },
        async (request) => submitPresentation(s, (request.params as { requestId: string }).requestId, request.body),
      );
    });

    app.get(
      '/v1/requests/:requestId/object',
      {
        config: { rateLimit: { max: ctx.config.submitRateLimitPerMinute, timeWindow: 60_000 } },
        schema: {
          tags: ['wallet'],
          summary: 'The signed request object a venue’s QR code refers to (request_uri)',
          description:
            'A compact JWS (ES256, typ oauth-authz-req+jwt) signed with a key published at /.well-known/jwks.json: the ' +
            'venue’s registered id (client_id) and name, response_uri, nonce, expiry, a DCQL query and the pseudonym ' +
            'scope and period. Only while the request is pending. See docs/openid4vp-profile.md.',
          security: [],
          params: RequestParams,
          response: {
            200: {
              description: 'The request object.',
              content: {
                'application/oauth-authz-req+jwt': { schema: { type: 'string' }, example: 'eyJhbGciOiJFUzI1NiIs...' },
              },
            },
            ...problemResponses('NOT_FOUND', 'REQUEST_EXPIRED', 'REQUEST_ALREADY_ANSWERED', 'RATE_LIMITED'),
          },
        },
      },
      async (request, reply) =>
        reply
          .header('cache-control', 'no-store')
          .type('application/oauth-authz-req+jwt')
          .send(await signedRequestObject(s, request.params.requestId)),
    );

    app.get(
      '/.well-known/jwks.json',
      {
        schema: {
          tags: ['wallet'],
          summary: 'The keys that sign this service’s request objects (JWKS)',
          description:
            'ES256 keys by kid: the active one and those retired in the last day (rotation: POST /v1/admin/verifier-keys/rotate). ' +
            'Wallets fetch it from the origin of a request’s client_id and answer only on that origin.',
          security: [],
          response: {
            200: ok(JwksSchema, 'The JWKS.', { keys: [exampleSigningJwk] }),
            ...problemResponses(),
          },
        },
      },
      async (_request, reply) =>
        reply.header('cache-control', 'public, max-age=300').send(await service.signingKeys.jwks()),
    );

    app.post(
      '/v1/admin/verifier-keys/rotate',
      {
        onRequest: admin.onRequest,
        schema: {
          tags: ['admin: venues'],
          summary: 'Rotate the key that signs request objects',
          description:
            'A new ES256 key signs from now on; the previous ones stay in /.well-known/jwks.json for a day so that ' +
            'outstanding requests still verify. The private key is sealed with the KEK and shared by every replica.',
          security: admin.security,
          body: closed({}, { examples: [{}], description: 'Empty' }),
          response: {
            200: ok(closed({ key: JwkSchema }), 'The new public key.', { key: exampleSigningJwk }),
            ...problemResponses(...AUTH_PROBLEMS),
          },
        },
      },
      async (request) => ({ key: await service.signingKeys.rotate(actorOf(request, 'admin')) }),
    );

    app.get(
      '/v1/venues/:venueId',
      {
        schema: {
          tags: ['wallet'],
          summary: 'Who a verifier id names: the venue’s display name',
          security: [],
          params: VenueParams,
          response: {
            200: ok(VenueInfoSchema, 'The venue.', { verifierId: EXAMPLE.verifierId, name: EXAMPLE.venueName }),
            ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND'),
          },
        },
      },
      async (request) => {
        const found = await prisma.venue.findUnique({ where: { id: request.params.venueId } });
        if (!found || found.disabledAt !== null) throw new ApiError('NOT_FOUND', 'no such venue');
        const view = venueView(found, publicUrl);
        return { verifierId: view.verifierId, name: view.name };
      },
    );
  };
}
