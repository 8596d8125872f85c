/**
 * The verifier's housekeeping, run at start and then every minute:
 * - pending requests past their expiry become `expired` (outcome code REQUEST_EXPIRED);
 * - requests whose verification never finished (the process stopped mid-way, e.g. kill -9) become
 *   rejected, INTERRUPTED: those claimed longer ago than any verification takes (VERIFY_DEADLINE_MS),
 *   so that a replica never settles one another replica is still verifying; and at the start of a
 *   process on the embedded database, every one (no other process can be verifying on it);
 * - finished requests older than PRIVID_RETENTION_DAYS are deleted;
 * - scoped pseudonyms are deleted once their period is over.
 * Every cut-off is computed from the server clock (ctx.now), not the database's.
 */
import type { PrismaClient } from '../db/generated/client.js';
import { INTERRUPTED } from './requests.js';

export const PURGE_INTERVAL_MS = 60_000;
/**
 * A claim this old was left by a process that stopped: a verification waits at most for the queue
 * (PRIVID_VERIFY_QUEUE entries ahead of it, tens of milliseconds each) and then runs for well under a
 * second. A verification still running past it is recorded as INTERRUPTED (see requests.ts finish).
 */
export const VERIFY_DEADLINE_MS = 2 * 60_000;
const MS_PER_DAY = 86_400_000;

export interface PurgeResult {
  expired: number;
  interrupted: number;
  deletedRequests: number;
  deletedPseudonyms: number;
}

export interface PurgeOptions {
  /** Settle every `verifying` request, however recent (at start, when no other process can be verifying). */
  readonly allInterrupted?: boolean;
}

export async function purge(
  prisma: PrismaClient,
  now: Date,
  retentionDays: number,
  options: PurgeOptions = {},
): Promise<PurgeResult> {
  const expired = await prisma.presentationRequest.updateMany({
    where: { status: 'pending', expiresAt: { lte: now } },
    data: { status: 'expired', outcomeCode: 'REQUEST_EXPIRED', completedAt: now },
  });
  const deadline = new Date(now.getTime() - VERIFY_DEADLINE_MS);
  const interrupted = await prisma.presentationRequest.updateMany({
    where: options.allInterrupted
      ? { status: 'verifying' }
      : {
          status: 'verifying',
          // Claims from before verifying_since existed have none: their request's expiry bounds them.
          OR: [{ verifyingSince: { lte: deadline } }, { verifyingSince: null, expiresAt: { lte: deadline } }],
        },
    data: { status: 'rejected', outcomeCode: INTERRUPTED, completedAt: now },
  });
  const cutoff = new Date(now.getTime() - retentionDays * MS_PER_DAY);
  const deletedRequests = await prisma.presentationRequest.deleteMany({
    where: { status: { in: ['accepted', 'rejected', 'expired'] }, completedAt: { not: null, lt: cutoff } },
  });
  const deletedPseudonyms = await prisma.scopedPseudonym.deleteMany({ where: { expiresAt: { lte: now } } });
  return {
    expired: expired.count,
    interrupted: interrupted.count,
    deletedRequests: deletedRequests.count,
    deletedPseudonyms: deletedPseudonyms.count,
  };
}
