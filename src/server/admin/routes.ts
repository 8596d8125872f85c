/**
 * The admin API for issuers (admin token): labs and their API keys, issuer keys (create, rotate,
 * retire, revoke) and credential schemas.
 */
import Type from 'typebox';
import { COVID_TEST_RESULT_SCHEMA } from '../../credential/index.js';
import { actorOf } from '../auth.js';
import { AUTH_PROBLEMS, BODY_PROBLEMS, closed, DisplayName, ok, problemResponses } from '../ops/http.js';
import type { App, ServerContext } from '../server.js';
import {
  EXAMPLE,
  exampleKey,
  exampleSchemaEntry,
  IssuerKeyViewSchema,
  issuerKeyProperties,
  KeyId,
  SchemaDefinitionSchema,
  SchemaEntrySchema,
  Uuid,
} from '../issuer/api-schemas.js';
import {
  createIssuerKey,
  issuerIdOf,
  issuerKeyView,
  retireIssuerKey,
  revokeIssuerKey,
  rotateIssuerKey,
} from '../issuer/keys.js';
import { registerSchema } from '../issuer/schemas.js';
import { DEFAULT_SUITE_ID, SUITE_IDS } from '../issuer/suites.js';
import { createLab, createLabApiKey, disableLab, labView, requireLab, revokeLabApiKey } from './labs.js';
import { apiKeyView } from '../security/api-keys.js';

const LabViewSchema = closed({
  id: Uuid('Lab id'),
  name: Type.String(),
  issuerId: Type.String({ description: 'The issuer id in credentials: the URL of its public metadata' }),
  createdAt: Type.String({ format: 'date-time' }),
  disabledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const exampleLab = {
  id: EXAMPLE.labId,
  name: EXAMPLE.labName,
  issuerId: EXAMPLE.issuerId,
  createdAt: EXAMPLE.createdAt,
  disabledAt: null,
};

const ApiKeyViewSchema = closed({
  id: Uuid('API key id'),
  prefix: Type.String({ description: 'The first characters of the key, to tell keys apart' }),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedOn: Type.Union([Type.String({ description: 'Day of last use (UTC), YYYY-MM-DD' }), Type.Null()]),
});
const exampleApiKey = {
  id: EXAMPLE.apiKeyId,
  prefix: EXAMPLE.apiKey.slice(0, 12),
  createdAt: EXAMPLE.createdAt,
  revokedAt: null,
  lastUsedOn: null,
};

const NewApiKeySchema = closed({
  apiKey: ApiKeyViewSchema,
  key: Type.String({ description: 'The API key. Shown only in this response: store it in a secret store.' }),
});

const LabName = DisplayName({ maxLength: 100, description: 'Unique display name, no control characters' });

const LabParams = closed({ labId: Uuid('Lab id') }, { examples: [{ labId: EXAMPLE.labId }] });
const LabKeyParams = closed({ labId: Uuid('Lab id'), kid: KeyId });
const LabApiKeyParams = closed({ labId: Uuid('Lab id'), apiKeyId: Uuid('API key id') });

/** How long HTTP caches may keep issuer metadata (ops/http.ts CACHE_CONTROL_PUBLIC). */
const METADATA_MAX_AGE_SECONDS = 60;

const PropagationSchema = closed(
  {
    thisService: Type.Literal('now', {
      description:
        "Every replica of this service, and this service's own verifier, applies the change before this answer",
    }),
    remoteVerifiersWithinSeconds: Type.Integer({
      description:
        'Remote privid verifiers see it at their next metadata sync: every PRIVID_TRUST_SYNC_INTERVAL seconds ' +
        '(this figure assumes the same setting as this service) plus up to 60 s in HTTP caches (max-age)',
    }),
    detail: Type.String(),
  },
  { description: 'When verifiers apply this key change' },
);

const examplePropagation = {
  thisService: 'now',
  remoteVerifiersWithinSeconds: 360,
  detail: 'Replicas of this service and its own verifier apply the change now. …',
};

const suite = Type.Enum([...SUITE_IDS], { description: `Signature suite; default ${DEFAULT_SUITE_ID}` });

export async function adminLabRoutes(app: App, ctx: ServerContext): Promise<void> {
  const prisma = ctx.db.prisma;
  const onRequest = ctx.auth.admin;
  const security = [{ adminToken: [] }];
  const lab = (labId: string) => requireLab(prisma, labId);
  const keyView = (key: Parameters<typeof issuerKeyView>[0]) =>
    issuerKeyView(key, issuerIdOf(ctx.config.publicUrl, key.labId));
  /**
   * Tells every replica (this one included, awaited) that a lab's keys changed: their verifiers
   * re-read its metadata now, so the change is in force before the admin gets the answer.
   */
  const announceKeyChange = (labId: string) => ctx.bus.publish('issuer-keys', labId);
  const propagation = () => ({
    thisService: 'now' as const,
    remoteVerifiersWithinSeconds: ctx.config.trustSyncIntervalSeconds + METADATA_MAX_AGE_SECONDS,
    detail:
      'Replicas of this service and its own verifier apply the change now. A remote privid verifier applies it at ' +
      'its next metadata sync (PRIVID_TRUST_SYNC_INTERVAL, 300 s by default, with conditional requests) or at once ' +
      'with POST /v1/admin/trusted-issuers/{id}/sync; offline kiosks at their next trust-list download.',
  });

  // -------------------------------------------------------------------------------------------
  // Labs and API keys
  // -------------------------------------------------------------------------------------------

  app.post(
    '/v1/admin/labs',
    {
      onRequest,
      schema: {
        tags: ['admin'],
        summary: 'Create a lab (an issuer) and its first API key',
        security,
        body: closed({ name: LabName }, { examples: [{ name: EXAMPLE.labName }] }),
        response: {
          201: ok(
            closed({ lab: LabViewSchema, apiKey: ApiKeyViewSchema, key: NewApiKeySchema.properties.key }),
            'The lab and its API key, shown only here.',
            { lab: exampleLab, apiKey: exampleApiKey, key: EXAMPLE.apiKey },
          ),
          ...problemResponses(...BODY_PROBLEMS, ...AUTH_PROBLEMS, 'CONFLICT'),
        },
      },
    },
    async (request, reply) => {
      const created = await createLab(prisma, actorOf(request, 'admin'), request.body.name);
      return reply.code(201).send({
        lab: labView(created.lab, ctx.config.publicUrl),
        apiKey: apiKeyView(created.key),
        key: created.secret,
      });
    },
  );

  app.get(
    '/v1/admin/labs',
    {
      onRequest,
      schema: {
        tags: ['admin'],
        summary: 'List the labs',
        security,
        response: {
          200: ok(closed({ labs: Type.Array(LabViewSchema) }), 'Every lab, oldest first.', { labs: [exampleLab] }),
          ...problemResponses(...AUTH_PROBLEMS),
        },
      },
    },
    async () => ({
      labs: (await prisma.lab.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).map((l) =>
        labView(l, ctx.config.publicUrl),
      ),
    }),
  );

  app.get(
    '/v1/admin/labs/:labId',
    {
      onRequest,
      schema: {
        tags: ['admin'],
        summary: 'A lab with its API keys and issuer keys',
        security,
        params: LabParams,
        response: {
          200: ok(
            closed({
              lab: LabViewSchema,
              apiKeys: Type.Array(ApiKeyViewSchema),
              issuerKeys: Type.Array(IssuerKeyViewSchema),
            }),
            'The lab.',
            { lab: exampleLab, apiKeys: [exampleApiKey], issuerKeys: [exampleKey()] },
          ),
          ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', ...AUTH_PROBLEMS),
        },
      },
    },
    async (request) => {
      const found = await lab(request.params.labId);
      const [apiKeys, issuerKeys] = await Promise.all([
        prisma.apiKey.findMany({ where: { labId: found.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
        prisma.issuerKey.findMany({ where: { labId: found.id }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] }),
      ]);
      return {
        lab: labView(found, ctx.config.publicUrl),
        apiKeys: apiKeys.map(apiKeyView),
        issuerKeys: issuerKeys.map(keyView),
      };
    },
  );

  app.post(
    '/v1/admin/labs/:labId/disable',
    {
      onRequest,
      schema: {
        tags: ['admin'],
        summary: 'Disable a lab: its API keys stop working (its keys stay published for verifiers)',
        security,
        params: LabParams,
        response: {
          200: ok(LabViewSchema, 'The disabled lab.', { ...exampleLab, disabledAt: EXAMPLE.expiresAt }),
          ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', ...AUTH_PROBLEMS),
        },
      },
    },
    async (request) =>
      labView(await disableLab(prisma, actorOf(request, 'admin'), request.params.labId), ctx.config.publicUrl),
  );

  app.post(
    '/v1/admin/labs/:labId/api-keys',
    {
      onRequest,
      schema: {
        tags: ['admin'],
        summary: 'Create another API key for a lab (e.g. to rotate keys without downtime)',
        security,
        params: LabParams,
        response: {
          201: ok(NewApiKeySchema, 'The API key, shown only here.', { apiKey: exampleApiKey, key: EXAMPLE.apiKey }),
          ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', ...AUTH_PROBLEMS),
        },
      },
    },
    async (request, reply) => {
      const created = await createLabApiKey(prisma, actorOf(request, 'admin'), request.params.labId);
      return reply.code(201).send({ apiKey: apiKeyView(created.key), key: created.secret });
    },
  );

  app.post(
    '/v1/admin/labs/:labId/api-keys/:apiKeyId/revoke',
    {
      onRequest,
      schema: {
        tags: ['admin'],
        summary: "Revoke one of a lab's API keys",
        security,
        params: LabApiKeyParams,
        response: {
          200: ok(ApiKeyViewSchema, 'The revoked key.', { ...exampleApiKey, revokedAt: EXAMPLE.expiresAt }),
          ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', ...AUTH_PROBLEMS),
        },
      },
    },
    async (request) =>
      apiKeyView(
        await revokeLabApiKey(prisma, actorOf(request, 'admin'), request.params.labId, request.params.apiKeyId),
      ),
  );

  // -------------------------------------------------------------------------------------------
  // Issuer keys
  // -------------------------------------------------------------------------------------------

  app.post(
    '/v1/admin/labs/:labId/issuer-keys',
    {
      onRequest,
      schema: {
        tags: ['admin'],
        summary: 'Create an issuer (signing) key for a lab',
        description:
          'BLS12-381-SHA-256 (default) or BLS12-381-SHAKE-256 issue blindly; BBS+2020 keys are for interoperability ' +
          'with BbsBlsSignature2020 and cannot redeem offers (no blind issuance). The secret key is sealed with the KEK.',
        security,
        params: LabParams,
        body: closed({ suite: Type.Optional(suite) }, { examples: [{ suite: 'BLS12-381-SHA-256' }] }),
        response: {
          201: ok(IssuerKeyViewSchema, 'The new active key.', exampleKey()),
          ...problemResponses(...BODY_PROBLEMS, 'NOT_FOUND', ...AUTH_PROBLEMS),
        },
      },
    },
    async (request, reply) => {
      const key = await createIssuerKey(
        prisma,
        ctx.kek,
        actorOf(request, 'admin'),
        request.params.labId,
        request.body.suite ?? DEFAULT_SUITE_ID,
      );
      await announceKeyChange(request.params.labId);
      return reply.code(201).send(keyView(key));
    },
  );

  app.get(
    '/v1/admin/labs/:labId/issuer-keys',
    {
      onRequest,
      schema: {
        tags: ['admin'],
        summary: "List a lab's issuer keys",
        security,
        params: LabParams,
        response: {
          200: ok(closed({ keys: Type.Array(IssuerKeyViewSchema) }), 'Newest first.', { keys: [exampleKey()] }),
          ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', ...AUTH_PROBLEMS),
        },
      },
    },
    async (request) => {
      const found = await lab(request.params.labId);
      const keys = await prisma.issuerKey.findMany({
        where: { labId: found.id },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      });
      return { keys: keys.map(keyView) };
    },
  );

  app.post(
    '/v1/admin/labs/:labId/issuer-keys/:kid/rotate',
    {
      onRequest,
      schema: {
        tags: ['admin'],
        summary: 'Rotate an active key: a new active key, the old one retired, atomically',
        description:
          "Credentials signed by the old key keep verifying (it is retired, not revoked). The old key's pending offers move to the new key.",
        security,
        params: LabKeyParams,
        body: closed(
          { suite: Type.Optional(suite) },
          { examples: [{}], description: "The new key's suite; default: the old key's" },
        ),
        response: {
          201: ok(
            closed({ retired: IssuerKeyViewSchema, active: IssuerKeyViewSchema, propagation: PropagationSchema }),
            'Both keys, and when verifiers apply the change.',
            {
              retired: exampleKey(EXAMPLE.kid, 'retired'),
              active: exampleKey(EXAMPLE.kid2),
              propagation: examplePropagation,
            },
          ),
          ...problemResponses(...BODY_PROBLEMS, 'NOT_FOUND', 'KEY_NOT_ACTIVE', ...AUTH_PROBLEMS),
        },
      },
    },
    async (request, reply) => {
      const { retired, active } = await rotateIssuerKey(
        prisma,
        ctx.kek,
        actorOf(request, 'admin'),
        request.params.labId,
        request.params.kid,
        request.body.suite,
      );
      await announceKeyChange(request.params.labId);
      return reply.code(201).send({ retired: keyView(retired), active: keyView(active), propagation: propagation() });
    },
  );

  app.post(
    '/v1/admin/labs/:labId/issuer-keys/:kid/retire',
    {
      onRequest,
      schema: {
        tags: ['admin'],
        summary: 'Retire a key: it signs no more credentials; those it signed still verify',
        security,
        params: LabKeyParams,
        response: {
          200: ok(IssuerKeyViewSchema, 'The retired key.', exampleKey(EXAMPLE.kid, 'retired')),
          ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', 'KEY_NOT_ACTIVE', ...AUTH_PROBLEMS),
        },
      },
    },
    async (request) => {
      const key = await retireIssuerKey(prisma, actorOf(request, 'admin'), request.params.labId, request.params.kid);
      await announceKeyChange(request.params.labId);
      return keyView(key);
    },
  );

  app.post(
    '/v1/admin/labs/:labId/issuer-keys/:kid/revoke',
    {
      onRequest,
      schema: {
        tags: ['admin'],
        summary: 'Revoke a key (compromised or withdrawn): verifiers must reject its credentials',
        security,
        params: LabKeyParams,
        response: {
          200: ok(
            closed({ ...issuerKeyProperties, propagation: PropagationSchema }),
            'The revoked key, and when verifiers apply the revocation.',
            { ...exampleKey(EXAMPLE.kid, 'revoked'), propagation: examplePropagation },
          ),
          ...problemResponses('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', ...AUTH_PROBLEMS),
        },
      },
    },
    async (request) => {
      const key = await revokeIssuerKey(prisma, actorOf(request, 'admin'), request.params.labId, request.params.kid);
      await announceKeyChange(request.params.labId);
      return { ...keyView(key), propagation: propagation() };
    },
  );

  // -------------------------------------------------------------------------------------------
  // Schemas
  // -------------------------------------------------------------------------------------------

  const exampleDefinition = {
    ...JSON.parse(JSON.stringify(COVID_TEST_RESULT_SCHEMA)),
    id: 'lab.example:antibody-titer',
    title: 'Antibody titer',
    attributes: [{ name: 'titer', type: 'integer', min: 0, max: 100000 }],
  } as unknown;

  app.post(
    '/v1/admin/schemas',
    {
      onRequest,
      schema: {
        tags: ['admin'],
        summary: 'Register a credential schema, for one lab or for every lab',
        description:
          'Validated with privid/credential (the privid: namespace is reserved). Registering the identical ' +
          'definition again answers 200 with the stored schema; a different definition under a registered ' +
          'id@version, or an id registered by another owner, is SCHEMA_CONFLICT.',
        security,
        body: closed(
          {
            labId: Type.Optional(Type.Union([Uuid('The only lab that may issue it'), Type.Null()])),
            definition: SchemaDefinitionSchema,
          },
          { examples: [{ labId: EXAMPLE.labId, definition: exampleDefinition }] },
        ),
        response: {
          201: ok(SchemaEntrySchema, 'The registered schema.', {
            ...exampleSchemaEntry,
            ref: 'lab.example:antibody-titer@1',
            labId: EXAMPLE.labId,
            builtin: false,
            definition: exampleDefinition,
          }),
          200: ok(SchemaEntrySchema, 'The identical schema was already registered.', exampleSchemaEntry),
          ...problemResponses(...BODY_PROBLEMS, 'NOT_FOUND', 'SCHEMA_CONFLICT', ...AUTH_PROBLEMS),
        },
      },
    },
    async (request, reply) => {
      const { entry, created } = await registerSchema(
        prisma,
        actorOf(request, 'admin'),
        request.body.definition,
        request.body.labId ?? null,
      );
      return reply.code(created ? 201 : 200).send(entry);
    },
  );
}
