/**
 * Credential offers: a lab prepares a credential (schema, attribute values, validity in days),
 * the holder redeems it once with the one-time code and a commitment to its holder secret.
 *
 * - The attribute values are stored only encrypted under a key that only the offer's code derives
 *   (crypto-shredding, see offer-sealing.ts), and only until the offer is redeemed, cancelled or
 *   expires; then the column is set to NULL in the same statement that changes the status, and what
 *   is left of it on disk cannot be decrypted.
 * - The code is 32 random bytes (unpadded base64url, as privid/credential's offer format wants),
 *   shown once, stored only as its SHA-256, checked in constant time against the offer's hash.
 * - Idempotency-Key: a retried creation with the same key and the same body returns the same offer
 *   with the same code, without creating another. To be able to show the code again without storing
 *   it, the code of an offer created with an Idempotency-Key is not random but
 *   HMAC-SHA256(key derived from the KEK, lab id || Idempotency-Key): only this server can compute
 *   it, and only for the lab that holds the API key, which could create a new offer anyway. The same
 *   key with a different body is refused with IDEMPOTENCY_MISMATCH. The key and the body are stored
 *   only as keyed hashes (a plain hash of a body would let anyone with the table guess its attribute
 *   values; the body's is keyed by the code, like the values), and the body's hash is deleted with
 *   the attribute values: once an offer is redeemed, cancelled or expired, its Idempotency-Key
 *   answers 409 CONFLICT.
 * - Exactly once: the redemption that flips the status from pending to redeemed (a conditional
 *   UPDATE) wins; a concurrent one gets OFFER_ALREADY_REDEEMED and its signature is discarded.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { SuiteId } from '../../bbs/index.js';
import {
  dayFromIsoDateOrUndefined,
  encodeQr,
  fromBase64urlOrUndefined,
  isoDateFromDay,
  MAX_DAY,
  parseCredentialOffer,
  parseSchemaRefOrUndefined,
  validateAttributes,
  checkInvariants,
  type AttributeValues,
  type CredentialOffer,
  type CredentialSchema,
  type IssuedCredential,
} from '../../credential/index.js';
import { recordAudit, type Actor } from '../audit.js';
import { Prisma, type IssuerKey, type Offer } from '../db/generated/client.js';
import { ApiError } from '../errors.js';
import { constantTimeEqual, hashSecret } from '../security/secrets.js';
import type { ServerContext } from '../server.js';
import { issuerIdOf, openSecretKey } from './keys.js';
import { openAttributes, requestHashOf, sealAttributes } from './offer-sealing.js';
import { schemaForLab, schemaOfRow } from './schemas.js';
import { suiteFromDb, supportsBlindIssuance } from './suites.js';

export interface CreateOfferBody {
  schemaRef: string;
  attributes: Record<string, string | number | boolean>;
  validFrom?: string;
  validDays: number;
  keyId?: string;
}

export type OfferStatusView = 'pending' | 'redeemed' | 'expired' | 'cancelled';

/** What a lab sees of an offer: never its attribute values or code. */
export interface OfferView {
  id: string;
  status: OfferStatusView;
  schemaRef: string;
  keyId: string;
  validFrom: string;
  validUntil: string;
  expiresAt: string;
  redeemedAt: string | null;
}

export interface CreatedOffer extends OfferView {
  code: string;
  offer: CredentialOffer;
  qr: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NO_MATCH = hashSecret('privid:no-such-offer-code');

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

function statusOf(offer: Pick<Offer, 'status' | 'expiresAt'>, now: Date): OfferStatusView {
  return offer.status === 'pending' && offer.expiresAt <= now ? 'expired' : offer.status;
}

export function offerView(offer: Offer, now: Date): OfferView {
  return {
    id: offer.id,
    status: statusOf(offer, now),
    schemaRef: `${offer.schemaId}@${offer.schemaVersion}`,
    keyId: offer.issuerKeyId,
    validFrom: isoDateFromDay(offer.validFromDay),
    validUntil: isoDateFromDay(offer.validUntilDay),
    expiresAt: offer.expiresAt.toISOString(),
    redeemedAt: offer.redeemedAt?.toISOString() ?? null,
  };
}

/** JSON with object keys sorted at every level: equal bodies give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** HMAC-SHA256 under the KEK-derived key, over a purpose and parts separated by NUL. */
function keyed(ctx: ServerContext, purpose: string, ...parts: string[]): Buffer {
  return createHmac('sha256', ctx.offerCodeKey)
    .update([purpose, ...parts].join('\u0000'), 'utf8')
    .digest();
}

function idempotentCode(ctx: ServerContext, labId: string, idempotencyKey: string): string {
  return keyed(ctx, 'privid offer code', labId, idempotencyKey).toString('base64url');
}

/** What the idempotency_key column holds: the lab's key may be any text, so it is not stored as such. */
function storedIdempotencyKey(ctx: ServerContext, labId: string, idempotencyKey: string): string {
  return keyed(ctx, 'privid idempotency key', labId, idempotencyKey).toString('hex');
}

function invalid(message: string, path: string): ApiError {
  return new ApiError('VALIDATION_FAILED', message, { errors: [{ path, message }] });
}

/** Where an invariant's attribute sits in the offer body: the validity days are top-level fields. */
function bodyPathOf(pointer: string): string {
  if (pointer === '/validFrom') return 'body/validFrom';
  if (pointer === '/validUntil') return 'body/validDays';
  return `body/attributes${pointer}`;
}

/** Date attributes may be given as YYYY-MM-DD; the credential holds day numbers. */
function normalizeAttributes(schema: CredentialSchema, attributes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...attributes };
  for (const attribute of schema.attributes) {
    const value = out[attribute.name];
    if (attribute.type === 'date' && typeof value === 'string') {
      const day = dayFromIsoDateOrUndefined(value);
      if (day === undefined)
        throw invalid(`${attribute.name} is not a date YYYY-MM-DD`, `body/attributes/${attribute.name}`);
      out[attribute.name] = day;
    }
  }
  return out;
}

async function signingKey(ctx: ServerContext, labId: string, keyId: string | undefined): Promise<IssuerKey> {
  if (keyId !== undefined) {
    const key = await ctx.db.prisma.issuerKey.findUnique({ where: { id: keyId } });
    if (!key || key.labId !== labId) throw invalid('no such issuer key for this lab', 'body/keyId');
    if (key.status !== 'active') throw new ApiError('KEY_NOT_ACTIVE', `issuer key ${key.id} is ${key.status}`);
    if (!supportsBlindIssuance(suiteFromDb(key.suite))) {
      throw new ApiError('UNSUPPORTED_SUITE', `${suiteFromDb(key.suite)} keys cannot issue blindly`);
    }
    return key;
  }
  const keys = await ctx.db.prisma.issuerKey.findMany({
    where: { labId, status: 'active' },
    orderBy: { createdAt: 'desc' },
  });
  const key = keys.find((k) => supportsBlindIssuance(suiteFromDb(k.suite)));
  if (!key) {
    throw new ApiError('NO_ACTIVE_KEY', 'the lab has no active issuer key that supports blind issuance');
  }
  return key;
}

export function credentialOfferOf(ctx: ServerContext, offer: Offer, suite: SuiteId, code: string): CredentialOffer {
  return parseCredentialOffer({
    type: 'privid/credential-offer',
    v: 1,
    issuerId: issuerIdOf(ctx.config.publicUrl, offer.labId),
    issuerUrl: ctx.config.publicUrl,
    offerId: offer.id,
    code,
    schemaRef: `${offer.schemaId}@${offer.schemaVersion}`,
    keyId: offer.issuerKeyId,
    suite,
    expiresAt: Math.floor(offer.expiresAt.getTime() / 1000),
  });
}

async function created(ctx: ServerContext, offer: Offer, code: string): Promise<CreatedOffer> {
  const key = await ctx.db.prisma.issuerKey.findUniqueOrThrow({ where: { id: offer.issuerKeyId } });
  const credentialOffer = credentialOfferOf(ctx, offer, suiteFromDb(key.suite), code);
  return {
    ...offerView(offer, ctx.now()),
    code,
    offer: credentialOffer,
    qr: encodeQr('offer', credentialOffer),
  };
}

export async function createOffer(
  ctx: ServerContext,
  actor: Extract<Actor, { kind: 'lab' }>,
  body: CreateOfferBody,
  idempotencyKey: string | undefined,
): Promise<{ offer: CreatedOffer; replayed: boolean }> {
  const prisma = ctx.db.prisma;
  const labId = actor.id;
  const storedKey = idempotencyKey === undefined ? undefined : storedIdempotencyKey(ctx, labId, idempotencyKey);
  const previousOffer = async () =>
    storedKey === undefined
      ? null
      : prisma.offer.findUnique({ where: { labId_idempotencyKey: { labId, idempotencyKey: storedKey } } });

  // Only offers created with an Idempotency-Key keep a body hash (under a key of their code, which is
  // reproducible exactly then).
  const code =
    idempotencyKey === undefined ? randomBytes(32).toString('base64url') : idempotentCode(ctx, labId, idempotencyKey);
  const requestHash = requestHashOf(code, canonicalJson(body));
  const previous = await previousOffer();
  if (previous) return { offer: await replay(ctx, previous, requestHash, idempotencyKey!), replayed: true };

  const ref = parseSchemaRefOrUndefined(body.schemaRef);
  if (!ref) throw invalid('schemaRef must be id@version', 'body/schemaRef');
  const schema = await schemaForLab(prisma, labId, ref.id, ref.version);
  if (!schema) throw new ApiError('UNKNOWN_SCHEMA', `this lab cannot issue ${body.schemaRef}`);
  const checked = validateAttributes(schema, normalizeAttributes(schema, body.attributes));
  if (!checked.ok) {
    throw new ApiError('VALIDATION_FAILED', 'the attribute values do not fit the schema', {
      errors: checked.issues.map((issue) => ({ path: `body/attributes${issue.path}`, message: issue.message })),
    });
  }

  const today = ctx.today();
  const validFromDay = body.validFrom === undefined ? today : dayFromIsoDateOrUndefined(body.validFrom);
  if (validFromDay === undefined) throw invalid('validFrom is not a date YYYY-MM-DD', 'body/validFrom');
  const validUntilDay = validFromDay + body.validDays - 1;
  if (validUntilDay > MAX_DAY) throw invalid('the validity ends after 9999-12-31', 'body/validDays');
  if (validUntilDay < today) throw invalid('the credential would already have expired', 'body/validDays');
  const broken = checkInvariants(schema.invariants, {
    attributes: checked.values,
    validFrom: validFromDay,
    validUntil: validUntilDay,
  });
  if (broken.length > 0) {
    // Nothing is stored: the lab corrects the values and creates the offer again.
    const involved = [...new Set(broken.flatMap((issue) => issue.attributes))];
    throw new ApiError(
      'VALIDATION_FAILED',
      `the values contradict ${body.schemaRef}'s rules (${involved.join(', ')}): ${broken.map((i) => i.message).join('; ')}`,
      {
        errors: broken.map((issue) => ({
          path: bodyPathOf(issue.path),
          message: issue.message,
          attributes: issue.attributes,
        })),
      },
    );
  }

  const key = await signingKey(ctx, labId, body.keyId);
  const expiresAt = new Date(ctx.now().getTime() + ctx.config.offerTtlSeconds * 1000);

  try {
    const offer = await prisma.$transaction(async (tx) => {
      const id = randomUUID();
      const row = await tx.offer.create({
        data: {
          id,
          labId,
          issuerKeyId: key.id,
          schemaId: schema.id,
          schemaVersion: schema.version,
          codeHash: hashSecret(code),
          sealedAttributes: sealAttributes(code, id, JSON.stringify(checked.values)),
          validFromDay,
          validUntilDay,
          expiresAt,
          idempotencyKey: storedKey ?? null,
          requestHash: storedKey === undefined ? null : requestHash,
        },
      });
      await recordAudit(tx, actor, 'offer.created', row.id);
      return row;
    });
    return { offer: await created(ctx, offer, code), replayed: false };
  } catch (error) {
    // The same Idempotency-Key in two requests at once: the second replays the first's offer.
    if (storedKey !== undefined && error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      const winner = await previousOffer();
      if (winner) return { offer: await replay(ctx, winner, requestHash, idempotencyKey!), replayed: true };
    }
    throw error;
  }
}

async function replay(ctx: ServerContext, previous: Offer, requestHash: string, idempotencyKey: string) {
  if (previous.requestHash === null) {
    throw new ApiError(
      'CONFLICT',
      'the offer created with this Idempotency-Key is no longer pending (redeemed, cancelled or expired): use a new key',
    );
  }
  if (!constantTimeEqual(previous.requestHash, requestHash)) {
    throw new ApiError('IDEMPOTENCY_MISMATCH', 'this Idempotency-Key was used with a different request body');
  }
  return created(ctx, previous, idempotentCode(ctx, previous.labId, idempotencyKey));
}

export interface ListOffersQuery {
  status?: OfferStatusView;
  /** 1..200 as decimal text (query strings are not coerced). */
  limit?: string;
  cursor?: string;
}

function encodeCursor(offer: Offer): string {
  return Buffer.from(JSON.stringify([offer.expiresAt.toISOString(), offer.id])).toString('base64url');
}

function decodeCursor(cursor: string): { expiresAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const expiresAt = new Date(String(at));
    if (typeof id === 'string' && isUuid(id) && !Number.isNaN(expiresAt.getTime())) return { expiresAt, id };
  } catch {
    // fall through
  }
  throw invalid('not a cursor from a previous page', 'querystring/cursor');
}

/** The lab's offers, newest expiry first, a page at a time. */
export async function listOffers(ctx: ServerContext, labId: string, query: ListOffersQuery) {
  const now = ctx.now();
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  const statusWhere: Prisma.OfferWhereInput =
    query.status === undefined
      ? {}
      : query.status === 'pending'
        ? { status: 'pending', expiresAt: { gt: now } }
        : query.status === 'expired'
          ? { OR: [{ status: 'expired' }, { status: 'pending', expiresAt: { lte: now } }] }
          : { status: query.status };
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await ctx.db.prisma.offer.findMany({
    where: {
      AND: [
        { labId },
        statusWhere,
        after
          ? { OR: [{ expiresAt: { lt: after.expiresAt } }, { expiresAt: after.expiresAt, id: { lt: after.id } }] }
          : {},
      ],
    },
    orderBy: [{ expiresAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    offers: page.map((row) => offerView(row, now)),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

async function labOffer(ctx: ServerContext, labId: string, offerId: string): Promise<Offer> {
  const offer = isUuid(offerId) ? await ctx.db.prisma.offer.findUnique({ where: { id: offerId } }) : null;
  if (!offer || offer.labId !== labId) throw new ApiError('NOT_FOUND', 'no such offer');
  return offer;
}

export async function getOffer(ctx: ServerContext, labId: string, offerId: string): Promise<OfferView> {
  return offerView(await labOffer(ctx, labId, offerId), ctx.now());
}

/** Cancels a pending offer: it can no longer be redeemed and its attribute values are deleted. */
export async function cancelOffer(
  ctx: ServerContext,
  actor: Extract<Actor, { kind: 'lab' }>,
  offerId: string,
): Promise<OfferView> {
  const offer = await labOffer(ctx, actor.id, offerId);
  const now = ctx.now();
  const status = statusOf(offer, now);
  if (status === 'redeemed') throw new ApiError('OFFER_ALREADY_REDEEMED');
  if (status === 'expired') throw new ApiError('OFFER_EXPIRED');
  if (status === 'cancelled') throw new ApiError('OFFER_CANCELLED');
  return ctx.db.prisma.$transaction(async (tx) => {
    const updated = await tx.offer.updateMany({
      where: { id: offer.id, status: 'pending' },
      data: { status: 'cancelled', attributes: Prisma.DbNull, sealedAttributes: null, requestHash: null },
    });
    if (updated.count !== 1) throw new ApiError('CONFLICT', 'the offer changed meanwhile; retry');
    await recordAudit(tx, actor, 'offer.cancelled', offer.id);
    return offerView(await tx.offer.findUniqueOrThrow({ where: { id: offer.id } }), now);
  });
}

/**
 * Expires pending offers past their expiry and deletes their attribute values. Runs at start and
 * then every minute; a redemption of an expired offer does the same for that offer at once.
 */
export async function expireOffers(ctx: ServerContext): Promise<number> {
  const now = ctx.now();
  const due = await ctx.db.prisma.offer.findMany({
    where: { status: 'pending', expiresAt: { lte: now } },
    select: { id: true },
    take: 1000,
  });
  if (due.length === 0) return 0;
  return ctx.db.prisma.$transaction(async (tx) => {
    const ids = due.map((offer) => offer.id);
    const result = await tx.offer.updateMany({
      where: { id: { in: ids }, status: 'pending', expiresAt: { lte: now } },
      data: { status: 'expired', attributes: Prisma.DbNull, sealedAttributes: null, requestHash: null },
    });
    for (const id of ids) await recordAudit(tx, { kind: 'system' }, 'offer.expired', id);
    return result.count;
  });
}

/**
 * A pending offer's attribute values, opened with the code the holder presented (already checked
 * against the offer's hash); undefined once they are gone. Offers from before sealing keep theirs in
 * the legacy plaintext column until they end.
 */
function attributesOf(offer: Offer, code: string): AttributeValues | undefined {
  if (offer.sealedAttributes !== null) {
    return JSON.parse(openAttributes(code, offer.id, offer.sealedAttributes)) as AttributeValues;
  }
  return offer.attributes === null ? undefined : (offer.attributes as AttributeValues);
}

export interface RedeemBody {
  type: 'privid/issuance-request';
  v: 1;
  offerId: string;
  code: string;
  commitmentWithProof: string;
}

/**
 * Redeems an offer: checks the code (constant time; failures count against the client), the
 * offer's state and key, then the commitment proof (before anything is signed), blind-signs, and
 * consumes the offer exactly once, deleting its attribute values.
 */
export async function redeemOffer(
  ctx: ServerContext,
  request: FastifyRequest,
  offerId: string,
  body: RedeemBody,
): Promise<IssuedCredential> {
  const { auth, db, kek } = ctx;
  // The credential presented is the offer code (for this offer): failures count against it and the address.
  const presented = `${offerId}:${body.code}`;
  await auth.limiter.check(request.ip, presented);
  if (body.offerId !== offerId) {
    throw invalid('offerId in the body is not the offer of the URL', 'body/offerId');
  }
  const codeHash = hashSecret(body.code);
  const offer = isUuid(offerId)
    ? await db.prisma.offer.findUnique({ where: { id: offerId }, include: { issuerKey: true, schema: true } })
    : null;
  if (!offer) {
    constantTimeEqual(NO_MATCH, codeHash);
    throw await auth.fail(request, new ApiError('OFFER_CODE_INVALID'), presented);
  }
  if (!constantTimeEqual(offer.codeHash, codeHash)) {
    throw await auth.fail(request, new ApiError('OFFER_CODE_INVALID'), presented);
  }

  const now = ctx.now();
  const status = statusOf(offer, now);
  if (status === 'redeemed') throw new ApiError('OFFER_ALREADY_REDEEMED');
  if (status === 'cancelled') throw new ApiError('OFFER_CANCELLED');
  if (status === 'expired') {
    if (offer.status === 'pending') await expireOffers(ctx);
    throw new ApiError('OFFER_EXPIRED');
  }
  const key = offer.issuerKey;
  if (key.status !== 'active') throw new ApiError('KEY_NOT_ACTIVE', `issuer key ${key.id} is ${key.status}`);
  const attributes = attributesOf(offer, body.code);
  if (attributes === undefined) throw new ApiError('OFFER_EXPIRED');

  // The commitment proof is checked before the secret key is opened, let alone used.
  const suite = suiteFromDb(key.suite);
  const commitmentWithProof = fromBase64urlOrUndefined(body.commitmentWithProof);
  if (!commitmentWithProof) throw new ApiError('INVALID_CRYPTO_INPUT', 'commitmentWithProof is not base64url');
  const check = await ctx.issuance.checkCommitment({ suite, commitmentWithProof });
  if (check === 'malformed') throw new ApiError('INVALID_CRYPTO_INPUT', 'the commitment is malformed');
  if (check !== 'valid') throw new ApiError('COMMITMENT_INVALID');

  const secretKey = openSecretKey(kek, key);
  let credential: IssuedCredential;
  try {
    credential = await ctx.issuance.issue({
      suite,
      secretKey,
      publicKey: key.publicKey,
      schema: schemaOfRow(offer.schema),
      issuerId: issuerIdOf(ctx.config.publicUrl, offer.labId),
      keyId: key.id,
      validFrom: offer.validFromDay,
      validUntil: offer.validUntilDay,
      attributes,
      request: body,
    });
  } finally {
    secretKey.fill(0);
  }

  // Exactly once: only the redemption that moves the offer out of pending answers with the credential.
  await db.prisma.$transaction(async (tx) => {
    const consumed = await tx.offer.updateMany({
      where: { id: offer.id, status: 'pending', codeHash: offer.codeHash, expiresAt: { gt: now } },
      data: {
        status: 'redeemed',
        redeemedAt: now,
        attributes: Prisma.DbNull,
        sealedAttributes: null,
        requestHash: null,
      },
    });
    if (consumed.count !== 1) {
      const current = await tx.offer.findUnique({ where: { id: offer.id }, select: { status: true } });
      throw new ApiError(current?.status === 'redeemed' ? 'OFFER_ALREADY_REDEEMED' : 'OFFER_EXPIRED');
    }
    await recordAudit(tx, { kind: 'holder' }, 'offer.redeemed', offer.id);
  });
  return credential;
}
