/**
 * The verifier's housekeeping, run at start and then every minute:
 * - pending requests past their expiry become `expired` (outcome code REQUEST_EXPIRED);
 * - requests whose verification never finished (the process stopped mid-way) become INTERRUPTED;
 * - finished requests older than PRIVID_RETENTION_DAYS are deleted;
 * - scoped pseudonyms are deleted once their period is over.
 * Every cut-off is computed from the server clock (ctx.now), not the database's.
 */
import type { PrismaClient } from '../db/generated/client.js';
import { INTERRUPTED } from './requests.js';

export const PURGE_INTERVAL_MS = 60_000;
/** A request still `verifying` this long after it expired is taken as interrupted. */
const INTERRUPTED_AFTER_MS = 5 * 60_000;
const MS_PER_DAY = 86_400_000;

export interface PurgeResult {
  expired: number;
  interrupted: number;
  deletedRequests: number;
  deletedPseudonyms: number;
}

export async function purge(prisma: PrismaClient, now: Date, retentionDays: number): Promise<PurgeResult> {
  const expired = await prisma.presentationRequest.updateMany({
    where: { status: 'pending', expiresAt: { lte: now } },
    data: { status: 'expired', outcomeCode: 'REQUEST_EXPIRED', completedAt: now },
  });
  const interrupted = await prisma.presentationRequest.updateMany({
    where: { status: 'verifying', expiresAt: { lte: new Date(now.getTime() - INTERRUPTED_AFTER_MS) } },
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
