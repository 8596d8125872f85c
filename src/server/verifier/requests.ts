/**
 * Presentation requests: created by a venue from one of its policies, answered once by a wallet.
 *
 * - The nonce is 32 random bytes, handed out in the request and stored only as its SHA-256: the
 *   request JSON is rebuilt from the policy when the answer arrives, with the nonce the answer echoes
 *   (which must hash to the stored value).
 * - Exactly once: the answer that flips the request out of `pending` (a conditional UPDATE ... WHERE
 *   status = 'pending' AND expires_at > now) is the only one verified; concurrent or later answers get
 *   REQUEST_ALREADY_ANSWERED, answers after the expiry REQUEST_EXPIRED. While the proof is verified the
 *   row reads `verifying`; a process that stops in between leaves it so (never accepted), and the
 *   housekeeping later records it as rejected, INTERRUPTED.
 * - A presentation made for another request or venue (its requestId, nonce or verifierId echo differs)
 *   is rejected with PRESENTATION_REPLAYED without any cryptography.
 * - A policy with a pseudonym period admits one accepted presentation per pseudonym and period: the
 *   pseudonym is inserted if absent (unique constraint) in the transaction that records the outcome;
 *   a second one is PSEUDONYM_ALREADY_USED.
 * - Stored: id, status, outcome code and times. Never the proof, the disclosed values or the client
 *   address; those go to the venue's screen through the in-memory OutcomeHub.
 */
import { createHmac, randomUUID } from 'node:crypto';
import {
  authorizationRequestUri,
  decodeQr,
  isCredentialError,
  requestObjectClaims,
  parsePresentation,
  parsePresentationRequest,
  type Presentation,
  type PresentationRequest,
} from '../../credential/index.js';
import type { PresentationRequest as RequestRow } from '../db/generated/client.js';
import { ApiError } from '../errors.js';
import { constantTimeEqual, hashSecret } from '../security/secrets.js';
import type { ServerContext } from '../server.js';
import { bindingReasons } from '../../verifier/index.js';
import type { VerifyOutcome } from './engine.js';
import { OUTCOME_HOLD_MS, type DisclosedItem, type Outcome, type OutcomeHub, type Reason } from './outcomes.js';
import { requestJson, requestPeriod, verifierNameOf, type PolicyDefinition } from './policies.js';
import type { Ticket, VerifyPool } from './pool.js';
import type { VerifierSigningKeys } from './signing-keys.js';
import { verifierIdOf } from './venues.js';

/** Outcome codes the server adds to the verifier library's reason codes. */
export const REASONS = {
  ACCEPTED: 'ACCEPTED',
  /** The presentation answers another request or venue (its requestId, nonce or verifierId differ). */
  PRESENTATION_REPLAYED: 'PRESENTATION_REPLAYED',
  /** The policy admits one entry per pseudonym and period, and this pseudonym was already used. */
  PSEUDONYM_ALREADY_USED: 'PSEUDONYM_ALREADY_USED',
  /** The request (stateless /v1/verify) has expired. */
  REQUEST_EXPIRED: 'REQUEST_EXPIRED',
  /** The verification could not complete (a worker failed). */
  VERIFICATION_ERROR: 'VERIFICATION_ERROR',
} as const;

/** Outcome code of a request whose verification never finished (the process stopped). */
export const INTERRUPTED = 'INTERRUPTED';

class InterruptedMeanwhile extends Error {}

export type RequestStatus = 'pending' | 'verifying' | 'accepted' | 'rejected' | 'expired';

export interface Services {
  readonly ctx: ServerContext;
  readonly pool: VerifyPool;
  readonly hub: OutcomeHub;
  readonly signingKeys: VerifierSigningKeys;
  readonly log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The status a row shows to the venue at `now`. */
export function statusOf(row: Pick<RequestRow, 'status' | 'outcomeCode' | 'expiresAt'>, now: Date): RequestStatus {
  if (row.status === 'pending') return row.expiresAt <= now ? 'expired' : 'pending';
  return row.status;
}

export interface CreatedRequest {
  id: string;
  policyId: string;
  policyName: string;
  status: 'pending';
  createdAt: string;
  expiresAt: string;
  request: PresentationRequest;
  qr: string;
  requestUri: string;
  submitUrl: string;
}

export function submitUrlOf(publicUrl: string, requestId: string): string {
  return `${publicUrl}/v1/requests/${requestId}/presentation`;
}

/** Where the wallet fetches the signed request object. */
export function requestUriOf(publicUrl: string, requestId: string): string {
  return `${publicUrl}/v1/requests/${requestId}/object`;
}

/** The origin of the service (PRIVID_PUBLIC_URL): its keys sign the requests, wallets answer there. */
export function originOfService(publicUrl: string): string {
  return new URL(publicUrl).origin;
}

const nonceKeys = new WeakMap<ServerContext, Uint8Array>();

/**
 * A request's nonce: HMAC-SHA-256 under a key derived from the KEK, over the request id. As
 * unpredictable as a random one to anyone without the KEK, and recomputable by every replica, so the
 * signed request object can be served (and re-served) without the nonce ever being stored: the
 * database keeps only its hash.
 */
function nonceOf(ctx: ServerContext, requestId: string): string {
  let key = nonceKeys.get(ctx);
  if (!key) {
    key = ctx.kek.deriveKey('privid request nonce v1');
    nonceKeys.set(ctx, key);
  }
  return createHmac('sha256', key).update(requestId).digest('base64url');
}

/** A new request from one of the venue's policies, named by id or by name. */
export async function createRequest(s: Services, venueId: string, policyRef: string): Promise<CreatedRequest> {
  const { ctx } = s;
  const prisma = ctx.db.prisma;
  const venue = await prisma.venue.findUnique({ where: { id: venueId } });
  if (!venue || venue.disabledAt !== null) throw new ApiError('UNAUTHENTICATED');
  const policy = await prisma.policy.findFirst({
    where: isUuid(policyRef) ? { venueId, id: policyRef } : { venueId, name: policyRef },
  });
  if (!policy) throw new ApiError('NOT_FOUND', 'the venue has no such policy');
  const definition = policy.definition as unknown as PolicyDefinition;
  const id = randomUUID();
  const nonce = nonceOf(ctx, id);
  const createdAt = ctx.now();
  const expiresAt = new Date(createdAt.getTime() + ctx.config.requestTtlSeconds * 1000);
  const request = requestJson(definition, {
    requestId: id,
    nonce,
    verifierId: verifierIdOf(ctx.config.publicUrl, venueId),
    verifierName: verifierNameOf(venue.name),
    expiresAt: Math.floor(expiresAt.getTime() / 1000),
    period: requestPeriod(definition, createdAt)?.id,
  });
  const verifierId = request.verifierId;
  const qr = authorizationRequestUri({ clientId: verifierId, requestUri: requestUriOf(ctx.config.publicUrl, id) });
  await prisma.presentationRequest.create({
    data: { id, venueId, policyId: policy.id, nonceHash: hashSecret(nonce), createdAt, expiresAt },
  });
  return {
    id,
    policyId: policy.id,
    policyName: policy.name,
    status: 'pending',
    createdAt: createdAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    request,
    qr,
    requestUri: requestUriOf(ctx.config.publicUrl, id),
    submitUrl: submitUrlOf(ctx.config.publicUrl, id),
  };
}

/**
 * The signed request object of a pending request (GET request_uri): rebuilt from the policy with the
 * recomputed nonce and signed with the service's current key. 404 once answered or expired.
 */
export async function signedRequestObject(s: Services, requestId: string): Promise<string> {
  const { ctx } = s;
  const row = isUuid(requestId)
    ? await ctx.db.prisma.presentationRequest.findUnique({
        where: { id: requestId },
        include: { policy: true, venue: true },
      })
    : null;
  if (!row || row.venue.disabledAt !== null) throw new ApiError('NOT_FOUND', 'no such presentation request');
  refuseUnlessPending(row, ctx.now());
  const definition = row.policy.definition as unknown as PolicyDefinition;
  const request = requestJson(definition, {
    requestId: row.id,
    nonce: nonceOf(ctx, row.id),
    verifierId: verifierIdOf(ctx.config.publicUrl, row.venueId),
    verifierName: verifierNameOf(row.venue.name),
    expiresAt: Math.floor(row.expiresAt.getTime() / 1000),
    period: requestPeriod(definition, row.createdAt)?.id,
  });
  const claims = requestObjectClaims(request, {
    responseUri: submitUrlOf(ctx.config.publicUrl, row.id),
    issuedAt: Math.floor(row.createdAt.getTime() / 1000),
  });
  return s.signingKeys.sign(claims);
}

export interface SubmitResult {
  requestId: string;
  status: 'accepted' | 'rejected';
  reasons: Reason[];
}

/** Reads a JSON value as a presentation (or request), answering 400 with privid/credential's error. */
export function parseOr400<T>(parse: (json: unknown) => T, json: unknown, where: string): T {
  try {
    return parse(json);
  } catch (error) {
    if (!isCredentialError(error)) throw error;
    throw new ApiError('VALIDATION_FAILED', `${where}: ${error.message}`, {
      errors: [{ path: `${where}${error.path}`, message: error.message }],
      formatCode: error.code,
    });
  }
}

/** Whether a presentation's echo (requestId, nonce, verifierId) matches the request it is sent to. */
function echoMatches(presentation: Presentation, requestId: string, nonceHash: string, verifierId: string): boolean {
  const nonceOk = constantTimeEqual(hashSecret(presentation.nonce), nonceHash);
  return nonceOk && presentation.requestId === requestId && presentation.verifierId === verifierId;
}

/** A wallet's answer to a request: verified at most once per request. */
export async function submitPresentation(s: Services, requestId: string, body: unknown): Promise<SubmitResult> {
  const { ctx, pool } = s;
  const prisma = ctx.db.prisma;
  const presentation: Presentation =
    typeof body === 'string'
      ? parseOr400((text) => decodeQr(String(text), { expect: 'presentation' }).value as Presentation, body, 'body')
      : parseOr400(parsePresentation, body, 'body');
  const row = isUuid(requestId)
    ? await prisma.presentationRequest.findUnique({ where: { id: requestId }, include: { policy: true, venue: true } })
    : null;
  if (!row || row.venue.disabledAt !== null) throw new ApiError('NOT_FOUND', 'no such presentation request');
  const now = ctx.now();
  refuseUnlessPending(row, now);

  const verifierId = verifierIdOf(ctx.config.publicUrl, row.venueId);
  const replayed = !echoMatches(presentation, row.id, row.nonceHash, verifierId);
  const claimed = await prisma.presentationRequest.updateMany({
    where: { id: row.id, status: 'pending', expiresAt: { gt: now } },
    data: { status: 'verifying', verifyingSince: now },
  });
  if (claimed.count !== 1) {
    const current = await prisma.presentationRequest.findUnique({ where: { id: row.id } });
    if (!current) throw new ApiError('NOT_FOUND', 'no such presentation request');
    refuseUnlessPending(current, ctx.now());
    throw new ApiError('REQUEST_ALREADY_ANSWERED');
  }
  // A place in the verification queue; when the verifier is overloaded the request goes back to
  // pending, so that the wallet can answer it again after Retry-After.
  let ticket: Ticket | undefined;
  if (!replayed) {
    try {
      ticket = pool.admit();
    } catch (error) {
      await prisma.presentationRequest.updateMany({
        where: { id: row.id, status: 'verifying' },
        data: { status: 'pending' },
      });
      throw error;
    }
  }

  const definition = row.policy.definition as unknown as PolicyDefinition;
  let outcome: VerifyOutcome;
  if (!ticket) {
    outcome = {
      accepted: false,
      reasons: [
        {
          code: REASONS.PRESENTATION_REPLAYED,
          message: 'the presentation was made for another request or venue',
        },
      ],
    };
  } else {
    const request = requestJson(definition, {
      requestId: row.id,
      nonce: presentation.nonce,
      verifierId,
      verifierName: verifierNameOf(row.venue.name),
      expiresAt: Math.floor(row.expiresAt.getTime() / 1000),
      period: requestPeriod(definition, row.createdAt)?.id,
    });
    try {
      outcome = await ticket.run({
        presentation,
        request,
        today: ctx.today(),
        now: Math.floor(now.getTime() / 1000),
        origin: originOfService(ctx.config.publicUrl),
        ...(definition.validity === 'unchecked' ? { allowUncheckedValidity: true } : {}),
      });
    } catch (error) {
      s.log.error(
        { err: { message: error instanceof Error ? error.message : String(error) }, requestId: row.id },
        'verification failed',
      );
      await finish(s, row, definition, {
        accepted: false,
        reasons: [{ code: REASONS.VERIFICATION_ERROR, message: 'the verification could not complete' }],
      });
      throw error instanceof ApiError ? error : new ApiError('INTERNAL', 'the verification could not complete');
    }
  }
  const final = await finish(s, row, definition, outcome);
  return { requestId: row.id, status: final.status, reasons: [...final.reasons] };
}

function refuseUnlessPending(row: Pick<RequestRow, 'status' | 'outcomeCode' | 'expiresAt'>, now: Date): void {
  const status = statusOf(row, now);
  if (status === 'expired') throw new ApiError('REQUEST_EXPIRED');
  if (status !== 'pending') throw new ApiError('REQUEST_ALREADY_ANSWERED');
}

/**
 * Records the outcome (and, for an accepted answer under a pseudonym period, the pseudonym: insert
 * if absent) in one transaction, then hands the disclosed values to the venue's screen.
 */
async function finish(
  s: Services,
  row: RequestRow,
  definition: PolicyDefinition,
  verified: VerifyOutcome,
): Promise<Outcome> {
  const { ctx } = s;
  const completedAt = ctx.now();
  const period = requestPeriod(definition, row.createdAt);
  const outcome = await ctx.db.prisma
    .$transaction(async (tx): Promise<Outcome> => {
      let result: Outcome = verified.accepted
        ? {
            status: 'accepted',
            reasons: [],
            completedAt,
            disclosed: verified.disclosed,
            ...(definition.pseudonym && verified.pseudonym ? { pseudonym: verified.pseudonym } : {}),
          }
        : { status: 'rejected', reasons: verified.reasons, completedAt };
      if (result.status === 'accepted' && definition.pseudonym && period) {
        const pseudonym = verified.accepted ? verified.pseudonym : undefined;
        if (!pseudonym) {
          result = {
            status: 'rejected',
            reasons: [{ code: 'PSEUDONYM_MISSING', message: 'the policy asks for a pseudonym' }],
            completedAt,
          };
        } else {
          const inserted = await tx.scopedPseudonym.createMany({
            data: [
              {
                venueId: row.venueId,
                scope: definition.pseudonym.scope,
                period: period.id,
                pseudonym: new Uint8Array(Buffer.from(pseudonym, 'base64url')),
                expiresAt: period.endsAt,
              },
            ],
            skipDuplicates: true,
          });
          if (inserted.count !== 1) {
            result = {
              status: 'rejected',
              reasons: [
                {
                  code: REASONS.PSEUDONYM_ALREADY_USED,
                  message: `this guest was already admitted under this policy's pseudonym in period ${period.id}`,
                },
              ],
              completedAt,
            };
          }
        }
      }
      const code = result.status === 'accepted' ? REASONS.ACCEPTED : (result.reasons[0]?.code ?? 'REJECTED');
      const recorded = await tx.presentationRequest.updateMany({
        where: { id: row.id, status: 'verifying' },
        data: { status: result.status, outcomeCode: code.slice(0, 64), completedAt },
      });
      if (recorded.count !== 1) {
        // The housekeeping took this verification for an interrupted one (it ran past the deadline):
        // what the database says stands, and the pseudonym insert above is rolled back.
        throw new InterruptedMeanwhile();
      }
      return result;
    })
    .catch((error: unknown): Outcome => {
      if (!(error instanceof InterruptedMeanwhile)) throw error;
      return {
        status: 'rejected',
        reasons: [{ code: INTERRUPTED, message: 'the verification did not finish in time' }],
        completedAt,
      };
    });
  s.log.info({ requestId: row.id, outcome: outcome.status, code: outcome.reasons[0]?.code }, 'presentation verified');
  const until = Math.max(row.expiresAt.getTime(), completedAt.getTime() + OUTCOME_HOLD_MS);
  s.hub.publish(row.id, row.venueId, outcome, until);
  return outcome;
}

export interface RequestView {
  id: string;
  policyId: string;
  status: RequestStatus;
  outcomeCode: string | null;
  createdAt: string;
  expiresAt: string;
  completedAt: string | null;
  /** Present once: the first read after the outcome (unless a live event stream took it). */
  outcome?: OutcomeView;
}

export interface OutcomeView {
  accepted: boolean;
  reasons: Reason[];
  disclosed?: DisclosedItem[];
  pseudonym?: string;
}

export function outcomeView(outcome: Outcome): OutcomeView {
  return {
    accepted: outcome.status === 'accepted',
    reasons: [...outcome.reasons],
    ...(outcome.disclosed ? { disclosed: [...outcome.disclosed] } : {}),
    ...(outcome.pseudonym ? { pseudonym: outcome.pseudonym } : {}),
  };
}

export function requestView(row: RequestRow, now: Date, outcome: Outcome | undefined): RequestView {
  const status = statusOf(row, now);
  return {
    id: row.id,
    policyId: row.policyId,
    status,
    outcomeCode: status === 'verifying' ? null : status === 'expired' ? 'REQUEST_EXPIRED' : row.outcomeCode,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    ...(outcome ? { outcome: outcomeView(outcome) } : {}),
  };
}

/** A venue's request, or 404 (another venue's requests do not exist for it). */
export async function venueRequest(s: Services, venueId: string, requestId: string): Promise<RequestRow> {
  const row = isUuid(requestId)
    ? await s.ctx.db.prisma.presentationRequest.findUnique({ where: { id: requestId } })
    : null;
  if (!row || row.venueId !== venueId) throw new ApiError('NOT_FOUND', 'no such presentation request');
  return row;
}

export interface StatelessResult {
  accepted: boolean;
  reasons: Reason[];
  disclosed?: DisclosedItem[];
  pseudonym?: string;
}

/**
 * POST /v1/verify: the integrator brings its own request (and manages its nonces). The request must
 * name the calling venue as its verifier: otherwise one venue could have a presentation made for
 * another verified here and read its disclosed values and pseudonym.
 */
export async function verifyStateless(s: Services, venueId: string, body: { request: unknown; presentation: unknown }) {
  const request = parseOr400(parsePresentationRequest, body.request, 'body/request');
  if (request.verifierId !== verifierIdOf(s.ctx.config.publicUrl, venueId)) {
    throw new ApiError(
      'FORBIDDEN',
      "the request's verifierId is not the calling venue's: verify your own requests only",
      {
        errors: [{ path: 'body/request/verifierId', message: 'must be the verifierId of the calling venue' }],
      },
    );
  }
  const presentation = parseOr400(parsePresentation, body.presentation, 'body/presentation');
  const now = s.ctx.now();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  // privid/verifier's first checks, made here so a presentation for another request, verifier or
  // nonce, or an expired request, never takes a worker.
  const reasons: Reason[] = bindingReasons(presentation, request, nowSeconds);
  if (reasons.length > 0) return { accepted: false, reasons } satisfies StatelessResult;
  const outcome = await s.pool.verify({
    presentation,
    request,
    today: s.ctx.today(),
    now: nowSeconds,
    origin: originOfService(s.ctx.config.publicUrl),
  });
  const result: StatelessResult = outcome.accepted
    ? {
        accepted: true,
        reasons: [],
        disclosed: outcome.disclosed,
        ...(outcome.pseudonym ? { pseudonym: outcome.pseudonym } : {}),
      }
    : { accepted: false, reasons: outcome.reasons };
  return result;
}
