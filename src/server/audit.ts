/**
 * Audit events: who (actor kind and id) did what (a dotted action) to which object, and when.
 * Deliberately nothing else: no attribute values, no holder data, no request details, no IP.
 * A holder redeeming an offer is never identified, so its actor id is always null.
 *
 * Record the event in the same transaction as the change it describes, so that neither exists
 * without the other.
 */
import type { AuditActorKind, Prisma, PrismaClient } from './db/generated/client.js';

export type AuditAction =
  | 'admin_token.created'
  | 'lab.created'
  | 'lab.disabled'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'issuer_key.created'
  | 'issuer_key.rotated'
  | 'issuer_key.retired'
  | 'issuer_key.revoked'
  | 'schema.registered'
  | 'offer.created'
  | 'offer.cancelled'
  | 'offer.redeemed'
  | 'offer.expired'
  | 'venue.created'
  | 'venue.disabled'
  | 'policy.created'
  | 'trusted_issuer.added'
  | 'trusted_issuer.removed'
  | 'verifier_key.created'
  | 'verifier_key.rotated';

/** Who made a request: the admin, a lab (by lab id), or an anonymous holder. */
export type Actor =
  | { readonly kind: 'admin'; readonly id: string }
  | { readonly kind: 'lab'; readonly id: string }
  | { readonly kind: 'venue'; readonly id: string }
  | { readonly kind: 'holder' }
  | { readonly kind: 'system' };

type AuditClient = Pick<PrismaClient, 'auditEvent'> | Prisma.TransactionClient;

export async function recordAudit(
  db: AuditClient,
  actor: Actor,
  action: AuditAction,
  subjectId: string | null,
): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorKind: actor.kind satisfies AuditActorKind,
      actorId: actor.kind === 'admin' || actor.kind === 'lab' || actor.kind === 'venue' ? actor.id : null,
      action,
      subjectId,
    },
  });
}
