/**
 * The wallet: what a wallet app drives. It keeps the holder secret (SecretStore) and credentials
 * (CredentialStore), accepts offers (commitment → issuer → signature check → store), matches
 * presentation requests for the consent screen, and builds presentations.
 */
import { BbsError, octetsToPublicKey, type CiphersuiteName } from '../bbs/index.js';
import {
  builtinSchemaRegistry,
  createIssuanceRequest,
  CredentialCryptoError,
  CredentialEncodingError,
  CredentialFormatError,
  decodeQr,
  encodeQr,
  finalizeCredential,
  fromBase64url,
  generateHolderSecret,
  isCredentialError,
  parseCredentialOffer,
  parsePresentation,
  parsePresentationRequest,
  presentationContextId,
  presentationHeader,
  proveItem,
  toBase64url,
  attributesToDisclose,
  FORMAT_TYPES,
  FORMAT_VERSION,
  OPAQUE_ID_PATTERN,
  type ConstraintScalar,
  type CredentialOffer,
  type Presentation,
  type PresentationItem,
  type PresentationRequest,
  type SchemaRegistry,
} from '../credential/index.js';
import { HolderError } from './errors.js';
import { matchRequest, type MatchCandidate, type MatchResult } from './match.js';
import {
  MemoryCredentialStore,
  MemoryNonceLog,
  MemorySecretStore,
  type CredentialStore,
  type NonceLog,
  type SecretStore,
  type StoredCredential,
} from './stores.js';
import { fetchTransport, publicKeyFromMetadata, type Transport } from './transport.js';

export const DEFAULT_SECRET_ID = 'holder-secret-1';
const DEFAULT_NONCE_REUSE_WINDOW_MS = 10 * 60_000;

export interface WalletOptions {
  /** Holder secrets. Default: in memory (lost on exit): apps pass secure storage. */
  readonly secrets?: SecretStore;
  /** Credentials. Default: in memory. */
  readonly credentials?: CredentialStore;
  /** Issuer calls. Default: `fetchTransport()`. */
  readonly transport?: Transport;
  /** Schemas the wallet can read. Default: `builtinSchemaRegistry()`. */
  readonly schemas?: SchemaRegistry;
  /** Id of the holder secret new credentials are bound to (created on first use). */
  readonly secretId?: string;
  /** Wallet clock in ms (offer/request expiry, acceptedAt). Default `Date.now`. */
  readonly now?: () => number;
  /** Answered request nonces. Default: in memory. */
  readonly nonceLog?: NonceLog;
  /** How long after first answering a nonce the wallet answers it again (retries). Default 10 min. */
  readonly nonceReuseWindowMs?: number;
}

export interface AcceptOfferOptions {
  /**
   * The issuer public key for `offer.keyId` (96 bytes), e.g. from a trust list the app ships.
   * Absent: fetched from the issuer metadata through the transport.
   */
  readonly publicKey?: Uint8Array;
}

/** Per group: a credential id (any clause it satisfies) or a credential id and clause. */
export type PresentationChoice = string | { readonly credentialId: string; readonly clauseIndex?: number } | undefined;

export interface PresentOptions {
  /** Day number from the wallet's clock. */
  readonly today: number;
  /** What the user picked on the consent screen, by group index; the best candidate otherwise. */
  readonly choices?: readonly PresentationChoice[];
}

export class Wallet {
  readonly secrets: SecretStore;
  readonly credentials: CredentialStore;
  readonly transport: Transport;
  readonly schemas: SchemaRegistry;
  readonly secretId: string;
  readonly #now: () => number;
  readonly #nonces: NonceLog;
  readonly #nonceWindow: number;
  #secretReady: Promise<void> | undefined;

  constructor(options: WalletOptions = {}) {
    this.secrets = options.secrets ?? new MemorySecretStore();
    this.credentials = options.credentials ?? new MemoryCredentialStore();
    this.transport = options.transport ?? fetchTransport();
    this.schemas = options.schemas ?? builtinSchemaRegistry();
    this.secretId = options.secretId ?? DEFAULT_SECRET_ID;
    if (!new RegExp(OPAQUE_ID_PATTERN).test(this.secretId)) {
      throw new HolderError('INVALID_ARGUMENT', 'secretId must match ^[A-Za-z0-9_-]{8,64}$');
    }
    this.#now = options.now ?? (() => Date.now());
    this.#nonces = options.nonceLog ?? new MemoryNonceLog();
    this.#nonceWindow = options.nonceReuseWindowMs ?? DEFAULT_NONCE_REUSE_WINDOW_MS;
  }

  /**
   * Makes sure the holder secret `secretId` exists, creating it with the platform CSPRNG on
   * first use. Returns its id. The secret never leaves the SecretStore except into proofs'
   * hidden witnesses; the issuer only ever sees a hiding commitment to it.
   */
  async ensureHolderSecret(): Promise<string> {
    this.#secretReady ??= (async () => {
      const existing = await this.#secretStore(() => this.secrets.get(this.secretId));
      if (existing === undefined)
        await this.#secretStore(() => this.secrets.set(this.secretId, generateHolderSecret()));
    })().catch((error: unknown) => {
      this.#secretReady = undefined;
      throw error;
    });
    await this.#secretReady;
    return this.secretId;
  }

  /**
   * Accepts an offer (object, JSON text or `PRIVID1:O:` QR text): gets the issuer key, commits to
   * the holder secret, redeems the offer through the transport, verifies the returned credential
   * (what was offered, signature over the holder secret) and stores it.
   */
  async acceptOffer(offerInput: unknown, options: AcceptOfferOptions = {}): Promise<StoredCredential> {
    const offer = parseOfferInput(offerInput);
    if (offer.suite !== 'BLS12-381-SHA-256' && offer.suite !== 'BLS12-381-SHAKE-256') {
      throw new HolderError('UNSUPPORTED_SUITE', `${offer.suite} cannot carry privid credentials (no blind issuance)`);
    }
    const ciphersuite: CiphersuiteName = offer.suite;
    const nowMs = this.#now();
    if (offer.expiresAt * 1000 < nowMs) throw new HolderError('OFFER_EXPIRED', 'the offer has expired');
    const schema = this.schemas.resolve(offer.schemaRef);
    if (!schema) throw new HolderError('UNKNOWN_SCHEMA', `the wallet does not know the schema ${offer.schemaRef}`);
    // The key first: a failure here must not burn the one-time offer.
    const publicKey =
      options.publicKey === undefined
        ? publicKeyFromMetadata(await this.transport.issuerMetadata(offer), offer)
        : checkedPublicKey(options.publicKey);
    const secretId = await this.ensureHolderSecret();
    const holderSecret = await this.#holderSecret(secretId);
    try {
      const { request, pending } = createIssuanceRequest({ offer, holderSecret, ciphersuite });
      const answer = await this.transport.redeem(offer, request);
      let finalized;
      try {
        finalized = finalizeCredential({ credential: answer, pending, holderSecret, publicKey, schema, secretId });
      } catch (error) {
        if (error instanceof CredentialCryptoError) {
          throw new HolderError('INVALID_CREDENTIAL', `the issuer's credential was rejected: ${error.message}`, {
            cause: error,
            path: error.path,
          });
        }
        if (error instanceof CredentialFormatError || error instanceof CredentialEncodingError) {
          throw new HolderError('INVALID_RESPONSE', `the issuer's answer is not a valid credential: ${error.message}`, {
            cause: error,
            path: error.path,
          });
        }
        throw error;
      }
      const record: StoredCredential = {
        id: randomId(),
        credential: finalized.credential,
        publicKey: toBase64url(publicKey),
        secretProverBlind: toBase64url(finalized.secretProverBlind),
        verificationTag: toBase64url(finalized.verificationTag),
        issuerUrl: offer.issuerUrl,
        acceptedAt: Math.floor(nowMs / 1000),
      };
      await this.credentials.put(record);
      return record;
    } finally {
      holderSecret.fill(0);
    }
  }

  /** Every stored credential. */
  async list(): Promise<StoredCredential[]> {
    return this.credentials.list();
  }

  async remove(credentialId: string): Promise<boolean> {
    return this.credentials.delete(credentialId);
  }

  /**
   * For each group of the request: the stored credentials that satisfy it and exactly what each
   * would disclose, or why none does. Accepts the request as an object, JSON or QR text.
   */
  async match(requestInput: unknown, options: { readonly today: number }): Promise<MatchResult> {
    const request = parseRequestInput(requestInput);
    return matchRequest(request, await this.credentials.list(), this.schemas, {
      today: options.today,
      nowSeconds: Math.floor(this.#now() / 1000),
    });
  }

  /**
   * Builds the presentation: one item per group, each a BBS proof disclosing exactly schema,
   * issuer key id and `attributesToDisclose(clause)`, bound to the request (nonce, verifier,
   * request id, group), all items carrying the pseudonym of one holder secret for one context.
   */
  async present(requestInput: unknown, options: PresentOptions): Promise<Presentation> {
    const request = parseRequestInput(requestInput);
    const nowMs = this.#now();
    if (request.expiresAt * 1000 < nowMs) throw new HolderError('REQUEST_EXPIRED', 'the request has expired');
    const records = await this.credentials.list();
    const match = matchRequest(request, records, this.schemas, { today: options.today });
    const chosen = choose(match, records, options.choices);
    const nonceKey = `${request.verifierId} ${request.nonce}`;
    const firstSeen = await this.#nonces.firstSeen(nonceKey);
    if (firstSeen !== undefined && nowMs - firstSeen > this.#nonceWindow) {
      throw new HolderError(
        'NONCE_REUSED',
        'this verifier already used this nonce: answering again would let it link the two visits',
      );
    }
    const contextId = presentationContextId(request);
    const byId = new Map(records.map((record) => [record.id, record]));
    const secrets = new Map<string, Uint8Array>();
    const items: PresentationItem[] = [];
    try {
      for (const candidate of chosen) {
        const record = byId.get(candidate.credentialId)!;
        const { credential } = record;
        let holderSecret = secrets.get(credential.secretId);
        if (!holderSecret) {
          holderSecret = await this.#holderSecret(credential.secretId);
          secrets.set(credential.secretId, holderSecret);
        }
        const groupIndex = items.length;
        const clause = request.groups[groupIndex]!.anyOf[candidate.clauseIndex]!;
        let proof;
        try {
          proof = proveItem({
            credential,
            schema: this.schemas.require(credential.schemaRef),
            publicKey: fromBase64url(record.publicKey),
            holderSecret,
            secretProverBlind: fromBase64url(record.secretProverBlind),
            disclose: attributesToDisclose(clause),
            proven: candidate.proven,
            presentationHeader: presentationHeader({
              nonce: request.nonce,
              verifierId: request.verifierId,
              requestId: request.requestId,
              groupIndex,
            }),
            contextId,
            // Set by acceptOffer after it verified the signature: presenting need not verify it again.
            ...(record.verificationTag === undefined ? {} : { verificationTag: fromBase64url(record.verificationTag) }),
          });
        } catch (error) {
          if (error instanceof BbsError && error.code === 'INVALID_SIGNATURE_FOR_PROOF') {
            throw new HolderError(
              'INVALID_CREDENTIAL',
              `credential ${record.id} does not verify with this wallet's holder secret ${credential.secretId}`,
              { cause: error },
            );
          }
          if (error instanceof BbsError || isCredentialError(error)) {
            throw new HolderError(
              'INVALID_CREDENTIAL',
              `credential ${record.id} cannot be presented: ${error.message}`,
              {
                cause: error,
              },
            );
          }
          throw error;
        }
        items.push({
          clauseIndex: candidate.clauseIndex,
          suite: credential.suite,
          issuerId: credential.issuerId,
          keyId: credential.keyId,
          schemaRef: credential.schemaRef,
          disclosed: proof.disclosed,
          proof: toBase64url(proof.proof),
          pseudonym: toBase64url(proof.pseudonym),
          ...(proof.predicateProof
            ? {
                proven: candidate.proven.map((p) => ({
                  ...p,
                  value: Array.isArray(p.value) ? [...(p.value as ConstraintScalar[])] : (p.value as ConstraintScalar),
                })),
                predicateProof: toBase64url(proof.predicateProof),
              }
            : {}),
        });
      }
    } finally {
      for (const secret of secrets.values()) secret.fill(0);
    }
    const presentation = parsePresentation({
      type: FORMAT_TYPES.presentation,
      v: FORMAT_VERSION,
      requestId: request.requestId,
      nonce: request.nonce,
      verifierId: request.verifierId,
      items,
    });
    await this.#nonces.record(nonceKey, nowMs);
    return presentation;
  }

  /** `present`, as `PRIVID1:P:` QR text. */
  async presentQr(requestInput: unknown, options: PresentOptions): Promise<string> {
    return encodeQr('presentation', await this.present(requestInput, options));
  }

  async #holderSecret(secretId: string): Promise<Uint8Array> {
    const secret = await this.#secretStore(() => this.secrets.get(secretId));
    if (secret === undefined) throw new HolderError('SECRET_NOT_FOUND', `no holder secret ${secretId} in the store`);
    return secret;
  }

  async #secretStore<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof HolderError) throw error;
      throw new HolderError('SECRET_STORE_ERROR', `the secret store failed: ${messageOf(error)}`, { cause: error });
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function randomId(): string {
  return toBase64url(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}

function checkedPublicKey(publicKey: unknown): Uint8Array {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 96) {
    throw new HolderError('ISSUER_KEY_UNAVAILABLE', 'publicKey must be a 96-byte BLS12-381 G2 public key');
  }
  try {
    octetsToPublicKey(publicKey);
  } catch (error) {
    throw new HolderError('ISSUER_KEY_UNAVAILABLE', 'publicKey is not a valid BLS12-381 G2 point', { cause: error });
  }
  return Uint8Array.from(publicKey);
}

/** An object, JSON text or QR text of one format kind. */
function parseInput<T>(input: unknown, kind: 'offer' | 'request', parse: (json: unknown) => T, code: string): T {
  try {
    if (typeof input === 'string') {
      const text = input.trim();
      if (text.startsWith('{')) return parse(JSON.parse(text) as unknown);
      return decodeQr(input, { expect: kind }).value as T;
    }
    return parse(input);
  } catch (error) {
    if (error instanceof CredentialFormatError) {
      throw new HolderError(code, `not a valid ${kind}: ${error.message}`, { cause: error, path: error.path });
    }
    if (error instanceof SyntaxError)
      throw new HolderError(code, `not a valid ${kind}: ${error.message}`, { cause: error });
    throw error;
  }
}

function parseOfferInput(input: unknown): CredentialOffer {
  return parseInput(input, 'offer', parseCredentialOffer, 'INVALID_OFFER');
}

function parseRequestInput(input: unknown): PresentationRequest {
  return parseInput(input, 'request', parsePresentationRequest, 'INVALID_REQUEST');
}

/**
 * One candidate per group, all bound to the same holder secret and suite (their pseudonyms must
 * be equal: that is how the venue knows the items come from one wallet).
 */
function choose(
  match: MatchResult,
  records: readonly StoredCredential[],
  choices: readonly PresentationChoice[] | undefined,
): MatchCandidate[] {
  const byId = new Map(records.map((record) => [record.id, record]));
  const bindingOf = (candidate: MatchCandidate) => {
    const credential = byId.get(candidate.credentialId)!.credential;
    return `${credential.suite} ${credential.secretId}`;
  };
  const perGroup = match.groups.map((group) => {
    const choice = choices?.[group.groupIndex];
    if (choice === undefined) {
      if (group.candidates.length === 0) {
        throw new HolderError('CANNOT_SATISFY', `group ${group.groupIndex}: ${group.message ?? group.reason ?? ''}`);
      }
      return group.candidates;
    }
    const id = typeof choice === 'string' ? choice : choice.credentialId;
    const clauseIndex = typeof choice === 'string' ? undefined : choice.clauseIndex;
    const picked = group.candidates.filter(
      (c) => c.credentialId === id && (clauseIndex === undefined || c.clauseIndex === clauseIndex),
    );
    if (picked.length === 0) {
      const why = group.rejected.find((r) => r.credentialId === id);
      throw new HolderError(
        byId.has(id) ? 'INVALID_CHOICE' : 'CREDENTIAL_NOT_FOUND',
        `group ${group.groupIndex}: credential ${id} ${why ? `does not satisfy it (${why.reason}: ${why.message})` : 'does not satisfy it'}`,
      );
    }
    return picked;
  });
  const bindings = [...new Set(perGroup.flatMap((candidates) => candidates.map(bindingOf)))];
  for (const binding of bindings) {
    if (perGroup.every((candidates) => candidates.some((c) => bindingOf(c) === binding))) {
      return perGroup.map((candidates) => candidates.find((c) => bindingOf(c) === binding)!);
    }
  }
  throw new HolderError(
    choices ? 'INVALID_CHOICE' : 'CANNOT_SATISFY',
    'the credentials that satisfy the groups are bound to different holder secrets or suites, so the venue could not tell they belong to one holder',
  );
}
