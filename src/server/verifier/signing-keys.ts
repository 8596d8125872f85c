/**
 * The verifier service's request-signing keys (ES256). Every request object a venue's screen
 * refers to is signed with one; the public keys are the JWKS at `/.well-known/jwks.json`, on the
 * origin of PRIVID_PUBLIC_URL, which is how a wallet authenticates the origin it answers to.
 *
 * - The private key is sealed with the KEK (additional data: `verifier-signing-key:<kid>`) before
 *   it reaches the database, so every replica with the KEK signs with the same key.
 * - Rotation by kid: `rotate` makes a new active key and retires the others in one transaction.
 *   The newest active key signs; retired keys stay in the JWKS for RETIRED_PUBLISHED_MS, long
 *   enough for every request signed before the rotation to expire.
 * - Replicas reload the key list at most every RELOAD_MS, and at once when asked for a kid they
 *   do not know.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { REQUEST_OBJECT_ALG, REQUEST_OBJECT_TYP, VERIFIER_JWKS_PATH } from '../../credential/index.js';
import { recordAudit, type Actor } from '../audit.js';
import type { Prisma, VerifierSigningKey } from '../db/generated/client.js';
import type { ServerContext } from '../server.js';

const RELOAD_MS = 60_000;
/** Retired keys stay published this long (request TTLs are minutes). */
export const RETIRED_PUBLISHED_MS = 24 * 3_600_000;

export interface PublicSigningJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

function newKid(): string {
  return `vk_${randomBytes(12).toString('base64url')}`;
}

function aadOf(kid: string): string {
  return `verifier-signing-key:${kid}`;
}

/** A new key pair, its private key sealed; nothing stored yet. */
function generateKey(ctx: ServerContext): Prisma.VerifierSigningKeyCreateInput {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = newKid();
  const jwk = publicKey.export({ format: 'jwk' });
  const publicJwk: PublicSigningJwk = { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, kid, alg: 'ES256', use: 'sig' };
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const sealed = ctx.kek.encrypt(new Uint8Array(der), aadOf(kid));
  der.fill(0);
  return {
    id: kid,
    publicJwk: { ...publicJwk },
    privateKeyCiphertext: new Uint8Array(sealed.ciphertext),
    privateKeyNonce: new Uint8Array(sealed.nonce),
    kekId: ctx.kek.id,
    status: 'active',
    createdAt: ctx.now(),
  };
}

export class VerifierSigningKeys {
  readonly #ctx: ServerContext;
  #rows: VerifierSigningKey[] = [];
  #loadedAt = 0;
  readonly #opened = new Map<string, KeyObject>();

  constructor(ctx: ServerContext) {
    this.#ctx = ctx;
  }

  /** Loads the keys, creating the first one on a fresh database. */
  async init(): Promise<void> {
    await this.reload();
    if (!this.#rows.some((row) => row.status === 'active')) {
      await this.#ctx.db.prisma.$transaction(async (tx) => {
        // Another replica may have created one meanwhile: both keys are then published, the newest signs.
        if ((await tx.verifierSigningKey.count({ where: { status: 'active' } })) > 0) return;
        const key = await tx.verifierSigningKey.create({ data: generateKey(this.#ctx) });
        await recordAudit(tx, { kind: 'system' }, 'verifier_key.created', key.id);
      });
      await this.reload();
    }
  }

  async reload(): Promise<void> {
    this.#rows = await this.#ctx.db.prisma.verifierSigningKey.findMany({
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    this.#loadedAt = Date.now();
  }

  async #fresh(): Promise<void> {
    if (Date.now() - this.#loadedAt > RELOAD_MS) await this.reload();
  }

  /** The published keys: active ones and recently retired ones. */
  async jwks(): Promise<{ keys: PublicSigningJwk[] }> {
    await this.#fresh();
    const cutoff = this.#ctx.now().getTime() - RETIRED_PUBLISHED_MS;
    return {
      keys: this.#rows
        .filter((row) => row.status === 'active' || (row.retiredAt !== null && row.retiredAt.getTime() > cutoff))
        .map((row) => row.publicJwk as unknown as PublicSigningJwk),
    };
  }

  /** Signs request object claims as a compact JWS with the newest active key. */
  async sign(claims: object): Promise<string> {
    await this.#fresh();
    let row = this.#rows.find((r) => r.status === 'active');
    if (!row) {
      await this.init();
      row = this.#rows.find((r) => r.status === 'active');
    }
    if (!row) throw new Error('no active verifier signing key');
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({
        alg: REQUEST_OBJECT_ALG,
        typ: REQUEST_OBJECT_TYP,
        kid: row.id,
        jku: `${new URL(this.#ctx.config.publicUrl).origin}${VERIFIER_JWKS_PATH}`,
      })
      .sign(this.#privateKey(row));
    return jws;
  }

  /** A new active key; the previous ones are retired (still published for a day). */
  async rotate(actor: Actor): Promise<PublicSigningJwk> {
    const created = await this.#ctx.db.prisma.$transaction(async (tx) => {
      const now = this.#ctx.now();
      await tx.verifierSigningKey.updateMany({
        where: { status: 'active' },
        data: { status: 'retired', retiredAt: now },
      });
      const key = await tx.verifierSigningKey.create({ data: generateKey(this.#ctx) });
      await recordAudit(tx, actor, 'verifier_key.rotated', key.id);
      return key;
    });
    await this.reload();
    return created.publicJwk as unknown as PublicSigningJwk;
  }

  #privateKey(row: VerifierSigningKey): KeyObject {
    let key = this.#opened.get(row.id);
    if (!key) {
      const der = this.#ctx.kek.decrypt(row.privateKeyCiphertext, row.privateKeyNonce, aadOf(row.id));
      key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
      der.fill(0);
      this.#opened.set(row.id, key);
    }
    return key;
  }
}
