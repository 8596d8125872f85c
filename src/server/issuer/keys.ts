/**
 * Issuer keys: generated here, the secret key sealed with the KEK (additional data: the key id)
 * before it reaches the database, opened only to sign, never logged or returned.
 *
 * Life cycle: active (signs new credentials) → retired (no longer signs; credentials it signed
 * still verify) → revoked (compromised or withdrawn: verifiers must reject its credentials).
 * Rotation creates a new active key and retires the old one in one transaction, and moves the
 * old key's pending offers to the new key so that no offer in a holder's hands breaks.
 */
import { randomBytes } from 'node:crypto';
import type { SuiteId } from '../../bbs/index.js';
import { recordAudit, type Actor } from '../audit.js';
import type { IssuerKey, Prisma, PrismaClient } from '../db/generated/client.js';
import { ApiError } from '../errors.js';
import type { Kek } from '../security/kek.js';
import { publicJwk, publicKeyMultibase, type PublicJwk } from './public-keys.js';
import { loadSuite, suiteFromDb, suiteToDb, supportsBlindIssuance } from './suites.js';

/** `ik_` and 16 base64url characters: matches privid/credential's KEY_ID_PATTERN. */
export function newKeyId(): string {
  return `ik_${randomBytes(12).toString('base64url')}`;
}

interface GeneratedKey {
  id: string;
  suite: SuiteId;
  publicKey: Uint8Array;
  secretKeyCiphertext: Uint8Array;
  secretKeyNonce: Uint8Array;
  kekId: string;
}

/** Generates a key pair for the suite and seals its secret key; nothing is stored yet. */
export async function generateIssuerKey(suite: SuiteId, kek: Kek): Promise<GeneratedKey> {
  const keyMaterial = randomBytes(32);
  const pair = await (await loadSuite(suite)).keyPair(new Uint8Array(keyMaterial));
  keyMaterial.fill(0);
  const id = newKeyId();
  const sealed = kek.encrypt(pair.secretKey, id);
  pair.secretKey.fill(0);
  return {
    id,
    suite,
    publicKey: pair.publicKey,
    secretKeyCiphertext: sealed.ciphertext,
    secretKeyNonce: sealed.nonce,
    kekId: kek.id,
  };
}

function keyData(labId: string, key: GeneratedKey): Prisma.IssuerKeyUncheckedCreateInput {
  return {
    id: key.id,
    labId,
    suite: suiteToDb(key.suite),
    publicKey: new Uint8Array(key.publicKey),
    secretKeyCiphertext: new Uint8Array(key.secretKeyCiphertext),
    secretKeyNonce: new Uint8Array(key.secretKeyNonce),
    kekId: key.kekId,
    status: 'active',
  };
}

async function requireLab(db: Prisma.TransactionClient | PrismaClient, labId: string): Promise<void> {
  if (!(await db.lab.findUnique({ where: { id: labId }, select: { id: true } }))) {
    throw new ApiError('NOT_FOUND', 'no such lab');
  }
}

async function requireKey(db: Prisma.TransactionClient, labId: string, kid: string): Promise<IssuerKey> {
  const key = await db.issuerKey.findUnique({ where: { id: kid } });
  if (!key || key.labId !== labId) throw new ApiError('NOT_FOUND', 'no such issuer key for this lab');
  return key;
}

export async function createIssuerKey(
  prisma: PrismaClient,
  kek: Kek,
  actor: Actor,
  labId: string,
  suite: SuiteId,
): Promise<IssuerKey> {
  await requireLab(prisma, labId);
  const generated = await generateIssuerKey(suite, kek);
  return prisma.$transaction(async (tx) => {
    await requireLab(tx, labId);
    const key = await tx.issuerKey.create({ data: keyData(labId, generated) });
    await recordAudit(tx, actor, 'issuer_key.created', key.id);
    return key;
  });
}

export async function rotateIssuerKey(
  prisma: PrismaClient,
  kek: Kek,
  actor: Actor,
  labId: string,
  kid: string,
  suite: SuiteId | undefined,
): Promise<{ retired: IssuerKey; active: IssuerKey }> {
  const current = await prisma.issuerKey.findUnique({ where: { id: kid } });
  if (!current || current.labId !== labId) throw new ApiError('NOT_FOUND', 'no such issuer key for this lab');
  const generated = await generateIssuerKey(suite ?? suiteFromDb(current.suite), kek);
  return prisma.$transaction(async (tx) => {
    const at = new Date();
    // Conditional on the key still being active, so two rotations at once cannot both succeed.
    const retired = await tx.issuerKey.updateMany({
      where: { id: kid, labId, status: 'active' },
      data: { status: 'retired', retiredAt: at },
    });
    if (retired.count !== 1) throw new ApiError('KEY_NOT_ACTIVE', 'only an active key can be rotated');
    const active = await tx.issuerKey.create({ data: keyData(labId, generated) });
    if (supportsBlindIssuance(generated.suite)) {
      await tx.offer.updateMany({ where: { issuerKeyId: kid, status: 'pending' }, data: { issuerKeyId: active.id } });
    }
    await recordAudit(tx, actor, 'issuer_key.rotated', kid);
    await recordAudit(tx, actor, 'issuer_key.created', active.id);
    return { retired: await requireKey(tx, labId, kid), active };
  });
}

export async function retireIssuerKey(prisma: PrismaClient, actor: Actor, labId: string, kid: string) {
  return prisma.$transaction(async (tx) => {
    const key = await requireKey(tx, labId, kid);
    if (key.status !== 'active') throw new ApiError('KEY_NOT_ACTIVE', `the key is ${key.status}, not active`);
    const updated = await tx.issuerKey.updateMany({
      where: { id: kid, status: 'active' },
      data: { status: 'retired', retiredAt: new Date() },
    });
    if (updated.count !== 1) throw new ApiError('KEY_NOT_ACTIVE', 'the key is no longer active');
    await recordAudit(tx, actor, 'issuer_key.retired', kid);
    return requireKey(tx, labId, kid);
  });
}

export async function revokeIssuerKey(prisma: PrismaClient, actor: Actor, labId: string, kid: string) {
  return prisma.$transaction(async (tx) => {
    const key = await requireKey(tx, labId, kid);
    if (key.status === 'revoked') throw new ApiError('CONFLICT', 'the key is already revoked');
    await tx.issuerKey.update({ where: { id: kid }, data: { status: 'revoked', revokedAt: new Date() } });
    await recordAudit(tx, actor, 'issuer_key.revoked', kid);
    return requireKey(tx, labId, kid);
  });
}

/** Opens a key's sealed secret key, to sign; the caller wipes it after use. */
export function openSecretKey(kek: Kek, key: IssuerKey): Uint8Array {
  if (key.kekId !== kek.id) {
    throw new Error(`issuer key ${key.id} is sealed under KEK ${key.kekId}, but the loaded KEK is ${kek.id}`);
  }
  return kek.decrypt(key.secretKeyCiphertext, key.secretKeyNonce, key.id);
}

export interface IssuerKeyView {
  kid: string;
  suite: SuiteId;
  status: 'active' | 'retired' | 'revoked';
  createdAt: string;
  retiredAt: string | null;
  revokedAt: string | null;
  jwk: PublicJwk;
  multikey: { type: 'Multikey'; id: string; controller: string; publicKeyMultibase: string };
}

/** The public view of a key: what issuer metadata and the admin API show. Never the secret key. */
export function issuerKeyView(key: IssuerKey, issuerId: string): IssuerKeyView {
  const suite = suiteFromDb(key.suite);
  return {
    kid: key.id,
    suite,
    status: key.status,
    createdAt: key.createdAt.toISOString(),
    retiredAt: key.retiredAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    jwk: publicJwk(key.id, suite, key.publicKey),
    multikey: {
      type: 'Multikey',
      id: `${issuerId}#${key.id}`,
      controller: issuerId,
      publicKeyMultibase: publicKeyMultibase(key.publicKey),
    },
  };
}

/** The issuer id of a lab: the URL of its public metadata. */
export function issuerIdOf(publicUrl: string, labId: string): string {
  return `${publicUrl}/v1/issuers/${labId}`;
}
