/**
 * Labs and their API keys. An API key is shown once, when it is created, and stored only as its
 * SHA-256 hash and a short non-secret prefix (to tell keys apart in listings).
 */
import { recordAudit, type Actor } from '../audit.js';
import { Prisma, type Lab, type PrismaClient } from '../db/generated/client.js';
import { ApiError } from '../errors.js';
import { issuerIdOf } from '../issuer/keys.js';
import { createApiKey } from '../security/api-keys.js';

export interface LabView {
  id: string;
  name: string;
  issuerId: string;
  createdAt: string;
  disabledAt: string | null;
}

export function labView(lab: Lab, publicUrl: string): LabView {
  return {
    id: lab.id,
    name: lab.name,
    issuerId: issuerIdOf(publicUrl, lab.id),
    createdAt: lab.createdAt.toISOString(),
    disabledAt: lab.disabledAt?.toISOString() ?? null,
  };
}

export async function createLab(prisma: PrismaClient, actor: Actor, name: string) {
  try {
    return await prisma.$transaction(async (tx) => {
      const lab = await tx.lab.create({ data: { name } });
      await recordAudit(tx, actor, 'lab.created', lab.id);
      return { lab, ...(await createApiKey(tx, actor, { kind: 'lab', labId: lab.id })) };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new ApiError('CONFLICT', 'a lab with this name already exists');
    }
    throw error;
  }
}

export async function requireLab(prisma: PrismaClient | Prisma.TransactionClient, labId: string): Promise<Lab> {
  const lab = await prisma.lab.findUnique({ where: { id: labId } });
  if (!lab) throw new ApiError('NOT_FOUND', 'no such lab');
  return lab;
}

export async function createLabApiKey(prisma: PrismaClient, actor: Actor, labId: string) {
  return prisma.$transaction(async (tx) => {
    const lab = await requireLab(tx, labId);
    if (lab.disabledAt !== null) throw new ApiError('CONFLICT', 'the lab is disabled');
    return createApiKey(tx, actor, { kind: 'lab', labId });
  });
}

export async function revokeLabApiKey(prisma: PrismaClient, actor: Actor, labId: string, keyId: string) {
  return prisma.$transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id: keyId } });
    if (!key || key.labId !== labId || key.ownerKind !== 'lab') throw new ApiError('NOT_FOUND', 'no such API key');
    if (key.revokedAt !== null) throw new ApiError('CONFLICT', 'the API key is already revoked');
    const revoked = await tx.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
    await recordAudit(tx, actor, 'api_key.revoked', keyId);
    return revoked;
  });
}

/**
 * Disables a lab: its API keys stop working and its pending offers are cancelled (their attribute
 * values deleted), in one transaction, so no offer of a disabled lab can still be redeemed; its
 * metadata and keys stay published for verifiers.
 */
export async function disableLab(prisma: PrismaClient, actor: Actor, labId: string) {
  return prisma.$transaction(async (tx) => {
    const lab = await requireLab(tx, labId);
    if (lab.disabledAt !== null) throw new ApiError('CONFLICT', 'the lab is already disabled');
    const disabled = await tx.lab.update({ where: { id: labId }, data: { disabledAt: new Date() } });
    const pending = await tx.offer.findMany({ where: { labId, status: 'pending' }, select: { id: true } });
    await tx.offer.updateMany({
      where: { labId, status: 'pending' },
      data: { status: 'cancelled', attributes: Prisma.DbNull, requestHash: null },
    });
    await recordAudit(tx, actor, 'lab.disabled', labId);
    for (const offer of pending) await recordAudit(tx, actor, 'offer.cancelled', offer.id);
    return disabled;
  });
}
