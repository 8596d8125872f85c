/**
 * The admin token: created on the first start against a database, returned once so that main.ts
 * prints it to stdout (never through the logger), and stored only as its SHA-256 hash.
 */
import { recordAudit } from '../audit.js';
import type { PrismaClient } from '../db/generated/client.js';
import { generateSecret, hashSecret, secretPrefix } from '../security/secrets.js';

/** Serializes first starts of several processes on one PostgreSQL database. */
const ADMIN_BOOTSTRAP_LOCK = 7_270_737_001;

/**
 * Creates the admin token if the database has none yet, or (reset) revokes every admin token and
 * creates a new one: the way back in for an operator who lost it. Returns the new token, shown once,
 * else undefined.
 */
export async function ensureAdminToken(
  prisma: PrismaClient,
  options: { reset?: boolean } = {},
): Promise<string | undefined> {
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(${ADMIN_BOOTSTRAP_LOCK}::bigint)::text AS locked`;
    if (options.reset) {
      const active = await tx.apiKey.findMany({ where: { ownerKind: 'admin', revokedAt: null }, select: { id: true } });
      await tx.apiKey.updateMany({ where: { ownerKind: 'admin', revokedAt: null }, data: { revokedAt: new Date() } });
      for (const key of active) await recordAudit(tx, { kind: 'system' }, 'api_key.revoked', key.id);
    } else if ((await tx.apiKey.count({ where: { ownerKind: 'admin' } })) > 0) {
      return undefined;
    }
    const token = generateSecret('adm');
    const key = await tx.apiKey.create({
      data: { ownerKind: 'admin', keyHash: hashSecret(token), prefix: secretPrefix(token) },
    });
    await recordAudit(tx, { kind: 'system' }, 'admin_token.created', key.id);
    return token;
  });
}
