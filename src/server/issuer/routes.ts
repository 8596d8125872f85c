/**
 * The issuer API: public metadata (issuers, their keys and schemas), the lab desk's offers, and
 * the holder's redemption.
 */
import Type from 'typebox';
import { ISSUER_URL_PATTERN } from '../../credential/index.js';
import { errorForLog } from '../app.js';
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
  CreatedOfferSchema,
  CreateOfferBodySchema,
  EXAMPLE,
  exampleCredentialOffer,
  exampleIssuedCredential,
  exampleMetadata,
  exampleOfferView,
  exampleSchemaEntry,
  IdempotencyHeaders,
  IssuedCredentialSchema,
  IssuerListSchema,
  IssuerMetadataSchema,
  OfferIdParams,
  OfferListQuerySchema,
  OfferListSchema,
  OfferViewSchema,
  RedeemBodySchema,
  SchemaListSchema,
} from './api-schemas.js';
import { issuerIdOf, issuerKeyView } from './keys.js';
import { cancelOffer, createOffer, expireOffers, getOffer, isUuid, listOffers, redeemOffer } from './offers.js';
import { listSchemas } from './schemas.js';

const SWEEP_INTERVAL_MS = 60_000;

const cacheable = (schema: Parameters<typeof ok>[0], description: string, example: unknown) => ({
  200: { ...ok(schema, description, example), headers: CACHE_HEADERS },
  ...NOT_MODIFIED,
});

const IfNoneMatch = Type.Object({
  'if-none-match': Type.Optional(Text({ maxLength: 1024, description: 'ETag(s) the client already has' })),
});

export async function issuerRoutes(app: App, ctx: ServerContext): Promise<void> {
  if (!new RegExp(ISSUER_URL_PATTERN).test(ctx.config.publicUrl)) {
    app.log.warn(
      'PRIVID_PUBLIC_URL is not an https URL (or http://localhost): wallets will reject the offers. Set it to the URL they reach this server at.',
    );
  }

  const sealedElsewhere = await ctx.db.prisma.issuerKey.count({
    where: { status: 'active', kekId: { not: ctx.kek.id } },
  });
  if (sealedElsewhere > 0) {
    app.log.error(
      { keys: sealedElsewhere, kekId: ctx.kek.id },
      'active issuer keys are sealed under another KEK: offers signed by them cannot be redeemed. Start with the KEK they were created with.',
    );
  }

  // Pending offers past their expiry lose their attribute values within a minute.
  await expireOffers(ctx);
  const sweeper = setInterval(() => {
    expireOffers(ctx).catch((error: Error) => app.log.error({ err: errorForLog(error) }, 'offer expiry failed'));
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();
  app.addHook('onClose', async () => clearInterval(sweeper));

  // -------------------------------------------------------------------------------------------
  // Public metadata
  // -------------------------------------------------------------------------------------------

  app.get(
    '/v1/issuers',
    {
      schema: {
        tags: ['issuer metadata'],
        summary: 'List the issuers (labs) of this server',
        security: [],
        headers: IfNoneMatch,
        response: {
          ...cacheable(IssuerListSchema, 'The issuers.', {
            issuers: [{ id: EXAMPLE.issuerId, labId: EXAMPLE.labId, name: EXAMPLE.labName }],
          }),
          ...problemResponses(),
        },
      },
    },
    async (request, reply) => {
      const labs = await ctx.db.prisma.lab.findMany({ orderBy: { createdAt: 'asc' } });
      return sendCacheable(request, reply, {
        issuers: labs.map((lab) => ({ id: issuerIdOf(ctx.config.publicUrl, lab.id), labId: lab.id, name: lab.name })),
      });
    },
  );

  app.get(
    '/v1/issuers/:labId',
    {
      schema: {
        tags: ['issuer metadata'],
        summary: "An issuer's metadata: its keys (JWK and Multikey, with status) and schemas",
        description: 'Cacheable (strong ETag, max-age 60): verifiers sync their trust lists from here.',
        security: [],
        params: closed({ labId: Text({ maxLength: 64, examples: [EXAMPLE.labId] }) }),
        headers: IfNoneMatch,
        response: {
          ...cacheable(IssuerMetadataSchema, 'The issuer metadata.', exampleMetadata),
          ...problemResponses('NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const { labId } = request.params;
      const lab = isUuid(labId)
        ? await ctx.db.prisma.lab.findUnique({
            where: { id: labId },
            include: { issuerKeys: { orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] } },
          })
        : null;
      if (!lab) throw new ApiError('NOT_FOUND', 'no such issuer');
      const issuerId = issuerIdOf(ctx.config.publicUrl, lab.id);
      return sendCacheable(request, reply, {
        id: issuerId,
        labId: lab.id,
        name: lab.name,
        issuerUrl: ctx.config.publicUrl,
        keys: lab.issuerKeys.map((key) => issuerKeyView(key, issuerId)),
        schemas: await listSchemas(ctx.db.prisma, lab.id),
      });
    },
  );

  app.get(
    '/v1/schemas',
    {
      schema: {
        tags: ['issuer metadata'],
        summary: 'List every credential schema (built-in and registered)',
        security: [],
        headers: IfNoneMatch,
        response: {
          ...cacheable(SchemaListSchema, 'The schemas.', { schemas: [exampleSchemaEntry] }),
          ...problemResponses(),
        },
      },
    },
    async (request, reply) => sendCacheable(request, reply, { schemas: await listSchemas(ctx.db.prisma) }),
  );

  // -------------------------------------------------------------------------------------------
  // Lab desk: offers
  // -------------------------------------------------------------------------------------------

  app.post(
    '/v1/offers',
    {
      onRequest: ctx.auth.lab,
      schema: {
        tags: ['offers'],
        summary: 'Create a credential offer for a holder',
        description:
          'Returns the offer (as JSON and as QR text) with its one-time code, shown only in this response ' +
          '(and in replays of it with the same Idempotency-Key and body). The attribute values are kept only ' +
          'until the offer is redeemed, cancelled or expires.',
        security: [{ labKey: [] }],
        headers: IdempotencyHeaders,
        body: CreateOfferBodySchema,
        response: {
          201: ok(CreatedOfferSchema, 'The offer. Give the code or the QR text to the holder.', {
            ...exampleOfferView,
            code: EXAMPLE.code,
            offer: exampleCredentialOffer,
            qr: 'PRIVID1:O:...',
          }),
          ...problemResponses(
            ...BODY_PROBLEMS,
            ...AUTH_PROBLEMS,
            'IDEMPOTENCY_MISMATCH',
            'CONFLICT',
            'NO_ACTIVE_KEY',
            'KEY_NOT_ACTIVE',
            'UNKNOWN_SCHEMA',
            'UNSUPPORTED_SUITE',
          ),
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request, 'lab');
      const { offer, replayed } = await createOffer(ctx, actor, request.body, request.headers['idempotency-key']);
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(offer);
    },
  );

  app.get(
    '/v1/offers',
    {
      onRequest: ctx.auth.lab,
      schema: {
        tags: ['offers'],
        summary: "List the lab's offers and their status (no attribute values)",
        security: [{ labKey: [] }],
        querystring: OfferListQuerySchema,
        response: {
          200: ok(OfferListSchema, 'A page of offers, latest expiry first.', {
            offers: [exampleOfferView],
            nextCursor: null,
          }),
          ...problemResponses('VALIDATION_FAILED', ...AUTH_PROBLEMS),
        },
      },
    },
    async (request) => listOffers(ctx, actorOf(request, 'lab').id, request.query),
  );

  app.get(
    '/v1/offers/:offerId',
    {
      onRequest: ctx.auth.lab,
      schema: {
        tags: ['offers'],
        summary: "One of the lab's offers (no attribute values)",
        security: [{ labKey: [] }],
        params: OfferIdParams,
        response: {
          200: ok(OfferViewSchema, 'The offer.', exampleOfferView),
          ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', ...AUTH_PROBLEMS),
        },
      },
    },
    async (request) => getOffer(ctx, actorOf(request, 'lab').id, request.params.offerId),
  );

  app.post(
    '/v1/offers/:offerId/cancel',
    {
      onRequest: ctx.auth.lab,
      schema: {
        tags: ['offers'],
        summary: 'Cancel a pending offer: it can no longer be redeemed, its attribute values are deleted',
        security: [{ labKey: [] }],
        params: OfferIdParams,
        response: {
          200: ok(OfferViewSchema, 'The cancelled offer (status expired).', {
            ...exampleOfferView,
            status: 'expired',
          }),
          ...problemResponses(
            'VALIDATION_FAILED',
            'NOT_FOUND',
            'OFFER_ALREADY_REDEEMED',
            'OFFER_EXPIRED',
            ...AUTH_PROBLEMS,
          ),
        },
      },
    },
    async (request) => cancelOffer(ctx, actorOf(request, 'lab'), request.params.offerId),
  );

  // -------------------------------------------------------------------------------------------
  // Holder: redemption
  // -------------------------------------------------------------------------------------------

  app.post(
    '/v1/offers/:offerId/redeem',
    {
      config: { rateLimit: { max: ctx.config.redeemRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['issuance'],
        summary: 'Redeem an offer: blind issuance of the credential to the holder',
        description:
          'The wallet sends the offer code and a commitment to its holder secret with a proof of knowledge. ' +
          'The proof is checked before anything is signed; the offer is consumed exactly once and its ' +
          'attribute values are deleted. Wrong codes count as failed authentications.',
        security: [],
        params: OfferIdParams,
        body: RedeemBodySchema,
        response: {
          200: ok(IssuedCredentialSchema, 'The credential.', exampleIssuedCredential),
          ...problemResponses(
            ...BODY_PROBLEMS,
            'RATE_LIMITED',
            'OFFER_CODE_INVALID',
            'OFFER_ALREADY_REDEEMED',
            'OFFER_EXPIRED',
            'KEY_NOT_ACTIVE',
            'INVALID_CRYPTO_INPUT',
            'COMMITMENT_INVALID',
            'UNSUPPORTED_SUITE',
          ),
        },
      },
    },
    async (request) => redeemOffer(ctx, request, request.params.offerId, request.body),
  );
}
