/**
 * The wallet: what a wallet app drives. It keeps the holder secret (SecretStore) and credentials
 * (CredentialStore), accepts offers (commitment → issuer → signature check → store), matches
 * presentation requests for the consent screen, and builds presentations.
 */
import { BbsError, octetsToPublicKey, type CiphersuiteName } from '../bbs/index.js';
import {
  builtinSchemaRegistry,
  checkInvariants,
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
  parseAuthorizationRequestUri,
  parsePresentationRequest,
  presentationContextId,
  isDayNumber,
  LIMITS,
  presentationHeader,
  proveItem,
  toBase64url,
  attributesToDisclose,
  FORMAT_TYPES,
  FORMAT_VERSION,
  OPAQUE_ID_PATTERN,
  originOf,
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
import {
  fetchTransport,
  fetchVerifierTransport,
  publicKeyFromMetadata,
  type Transport,
  type VerifierTransport,
} from './transport.js';
import {
  authenticateRequest,
  CLOCK_SKEW_MS,
  isCompactJws,
  isPlainHttp,
  MemoryVerifierKeyStore,
  refuseInsecure,
  verifierJwksUrl,
  type AuthenticatedRequest,
  type VerifierKeyStore,
} from './verifier-auth.js';

export const DEFAULT_SECRET_ID = 'holder-secret-1';
const DEFAULT_NONCE_REUSE_WINDOW_MS = 10 * 60_000;
/** How long cached verifier keys serve offline kiosks before the wallet wants fresh ones. */
export const DEFAULT_VERIFIER_KEY_MAX_AGE_MS = 7 * 86_400_000;

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
  /** Verifier calls of `respond`. Default: `fetchVerifierTransport()`. */
  readonly verifierTransport?: VerifierTransport;
  /**
   * Request-signing keys (JWKS) per verifier origin for offline kiosks: kept by `respond` from its
   * last fresh fetch, or loaded by the app (`loadVerifierKeys`); read only by `present` for an
   * offline kiosk's signed request. Default: in memory.
   */
  readonly verifierKeys?: VerifierKeyStore;
  /** How old cached verifier keys may be for an offline kiosk's request. Default 7 days. */
  readonly verifierKeyMaxAgeMs?: number;
  /**
   * Development only: answer verifiers on plain http to localhost (`http://localhost`,
   * `http://127.0.0.1`, `http://[::1]`). Default false: such a request_uri, client_id or
   * response_uri is refused (INVALID_REQUEST) before anything is fetched.
   */
  readonly allowInsecureLocalhost?: boolean;
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
  /** Day number from the wallet's clock (days since 1970-01-01 UTC, not milliseconds). */
  readonly today: number;
  /** What the user picked on the consent screen, by group index; the best candidate otherwise. */
  readonly choices?: readonly PresentationChoice[];
  /**
   * For a request that asks for a pseudonym that persists (no period): the holder allowed the
   * venue to recognise them on every visit. Without it such a request is refused (CONSENT_DECLINED).
   */
  readonly allowPersistentPseudonym?: boolean;
}

/** What the consent screen must show: exactly what would be disclosed and proven, and to whom. */
export interface ConsentRequest {
  /** The verifier as authenticated: its origin (from its signing key), registered id and name. */
  readonly verifier: { readonly origin: string; readonly id: string; readonly name: string };
  /** Per group, the credential that would be used and exactly the values the venue would see. */
  readonly disclosures: readonly MatchCandidate[];
  /** Every candidate per group, for a picker. */
  readonly match: MatchResult;
  /**
   * Absent: a one-time pseudonym nobody can link. Present: the venue will recognise the holder
   * within `period` (persistent false), or on every visit (persistent true: show `notice` and
   * ask for its own consent, `allowPersistentPseudonym`).
   */
  readonly pseudonym?: {
    readonly scope: string;
    readonly period?: string;
    readonly timeZone: string;
    readonly persistent: boolean;
    readonly notice: string;
  };
}

export type ConsentAnswer =
  | boolean
  | {
      readonly approve: boolean;
      readonly choices?: readonly PresentationChoice[];
      readonly allowPersistentPseudonym?: boolean;
    };

export interface RespondOptions {
  /** Day number from the wallet's clock. */
  readonly today: number;
  /** The consent screen: called once, after the request is authenticated and matched. */
  readonly consent: (request: ConsentRequest) => ConsentAnswer | Promise<ConsentAnswer>;
  /** Replaces the wallet's verifier transport for this call (e.g. a test's or a proxy's fetch). */
  readonly fetch?: typeof fetch;
}

/** The verifier service's answer to a presentation. */
export interface RespondResult {
  readonly requestId: string;
  readonly status: 'accepted' | 'rejected';
  readonly reasons: readonly { readonly code: string; readonly message?: string }[];
  /** The verifier as authenticated. */
  readonly verifier: { readonly origin: string; readonly id: string; readonly name: string };
}

export const PERSISTENT_PSEUDONYM_NOTICE = 'this venue will recognise you on every visit';
const PERIOD_NOTICE = 'this venue will recognise you again until the end of the period';

export class Wallet {
  readonly secrets: SecretStore;
  readonly credentials: CredentialStore;
  readonly transport: Transport;
  readonly schemas: SchemaRegistry;
  readonly secretId: string;
  readonly #now: () => number;
  readonly #nonces: NonceLog;
  readonly #nonceWindow: number;
  readonly verifierTransport: VerifierTransport;
  readonly verifierKeys: VerifierKeyStore;
  readonly #verifierKeyMaxAgeMs: number;
  readonly #allowInsecureLocalhost: boolean;
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
    this.verifierTransport = options.verifierTransport ?? fetchVerifierTransport();
    this.verifierKeys = options.verifierKeys ?? new MemoryVerifierKeyStore();
    this.#verifierKeyMaxAgeMs = options.verifierKeyMaxAgeMs ?? DEFAULT_VERIFIER_KEY_MAX_AGE_MS;
    if (!Number.isSafeInteger(this.#verifierKeyMaxAgeMs) || this.#verifierKeyMaxAgeMs <= 0) {
      throw new HolderError('INVALID_ARGUMENT', 'verifierKeyMaxAgeMs must be a positive number of milliseconds');
    }
    if (options.allowInsecureLocalhost !== undefined && typeof options.allowInsecureLocalhost !== 'boolean') {
      throw new HolderError('INVALID_ARGUMENT', 'allowInsecureLocalhost must be a boolean');
    }
    this.#allowInsecureLocalhost = options.allowInsecureLocalhost === true;
  }

  /**
   * Loads a verifier origin's JWKS for its offline kiosks (e.g. one the app ships for known kiosk
   * operators), stamped with the wallet clock: it serves for `verifierKeyMaxAgeMs`.
   */
  async loadVerifierKeys(origin: string, jwks: unknown): Promise<void> {
    if (typeof origin !== 'string' || originOf(origin) !== origin) {
      throw new HolderError('INVALID_ARGUMENT', 'origin must be an origin such as https://venue.example');
    }
    if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
      throw new HolderError('INVALID_ARGUMENT', 'jwks must be a JWK set { keys: [...] }');
    }
    await this.verifierKeys.set(origin, { jwks, fetchedAt: this.#now() });
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
    checkOptionsObject(options, 'acceptOffer');
    if (options.publicKey !== undefined && !(options.publicKey instanceof Uint8Array)) {
      throw new HolderError('INVALID_ARGUMENT', 'publicKey must be a Uint8Array (the 96-byte issuer public key)');
    }
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
      // A lab's bug must not become a credential this wallet later presents as true.
      const broken = checkInvariants(schema.invariants, finalized.credential);
      if (broken.length > 0) {
        throw new HolderError(
          'INVALID_CREDENTIAL',
          `the issuer's credential contradicts ${offer.schemaRef}'s rules: ${broken.map((i) => i.message).join('; ')}`,
          { path: `/attributes${broken[0]!.path}` },
        );
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
    checkOptionsObject(options, 'match');
    checkToday(options.today);
    const request = isCompactJws(requestInput)
      ? (await this.#authenticateCached(requestInput)).request
      : parseRequestInput(requestInput);
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
    checkPresentOptions(options);
    if (isCompactJws(requestInput)) {
      // An offline kiosk's signed request: authenticated with the origin's cached keys.
      const authenticated = await this.#authenticateCached(requestInput);
      if (authenticated.claims.response_mode !== 'privid_qr') {
        throw new HolderError('INVALID_REQUEST', 'this request is answered online: use wallet.respond');
      }
      return this.#present(authenticated.request, options, authenticated.origin);
    }
    const request = parseRequestInput(requestInput);
    if (request.pseudonym) {
      throw new HolderError(
        'UNAUTHENTICATED_VERIFIER',
        'the request asks for a pseudonym but is not signed: the wallet cannot tell which venue would recognise you',
      );
    }
    return this.#present(request, options, undefined);
  }

  /**
   * Answers a venue's request from its QR text alone: fetches the signed request object named by
   * `openid4vp://?client_id=…&request_uri=…` (or a bare request_uri), authenticates it (signature
   * by a key of the client_id's origin, response URL on that origin, not expired, pseudonym period
   * current), matches, asks `consent` with exactly what would be disclosed, then proves and posts
   * the presentation to the response URL. Returns the service's outcome. Every refusal happens
   * before a proof is made.
   */
  async respond(qrOrUrl: string, options: RespondOptions): Promise<RespondResult> {
    checkOptionsObject(options, 'respond');
    checkToday(options.today);
    if (typeof qrOrUrl !== 'string') throw new HolderError('INVALID_ARGUMENT', 'respond needs the QR text or URL');
    if (typeof options.consent !== 'function') throw new HolderError('INVALID_ARGUMENT', 'consent must be a function');
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw new HolderError('INVALID_ARGUMENT', 'fetch must be a function');
    }
    let reference: { clientId?: string; requestUri: string };
    try {
      reference = parseAuthorizationRequestUri(qrOrUrl);
    } catch (error) {
      if (error instanceof CredentialFormatError) {
        throw new HolderError('INVALID_REQUEST', `not a request reference: ${error.message}`, {
          cause: error,
          path: error.path,
        });
      }
      throw error;
    }
    if (!this.#allowInsecureLocalhost) {
      if (isPlainHttp(reference.requestUri)) refuseInsecure(reference.requestUri, 'request_uri');
      if (reference.clientId !== undefined && isPlainHttp(reference.clientId)) {
        refuseInsecure(reference.clientId, 'client_id');
      }
    }
    const transport = options.fetch ? fetchVerifierTransport({ fetch: options.fetch }) : this.verifierTransport;
    const jws = await transport.requestObject(reference.requestUri);
    if (typeof jws !== 'string') throw new HolderError('INVALID_RESPONSE', 'the request object is not text');
    const authenticated = await authenticateRequest(jws.trim(), {
      nowMs: this.#now(),
      allowInsecureLocalhost: this.#allowInsecureLocalhost,
      // Fresh for every online request, never from a long-lived cache: a cached JWKS (and its kid)
      // would be a value the verifier set in this wallet and could read back on a later visit.
      keys: async (origin) => {
        let fetched: unknown;
        try {
          fetched = await transport.verifierKeys(verifierJwksUrl(origin));
        } catch (error) {
          if (!(error instanceof HolderError)) throw error;
          // One code for "the origin's keys are not to be had", whatever the transport saw.
          throw new HolderError(
            'VERIFIER_KEY_UNAVAILABLE',
            `the keys of ${origin} could not be fetched (${error.code}): ${error.message}`,
            { cause: error, ...(error.status === undefined ? {} : { status: error.status }) },
          );
        }
        await this.verifierKeys.set(origin, { jwks: fetched, fetchedAt: this.#now() });
        return fetched;
      },
    });
    const { claims, request, origin } = authenticated;
    if (reference.clientId !== undefined && reference.clientId !== claims.client_id) {
      throw new HolderError('INVALID_REQUEST', 'the QR code names another client_id than the signed request');
    }
    if (claims.response_mode !== 'direct_post' || claims.response_uri === undefined) {
      throw new HolderError('INVALID_REQUEST', 'this request is answered by QR code: use wallet.presentQr');
    }
    const verifier = { origin, id: request.verifierId, name: request.verifierName };
    const records = await this.credentials.list();
    const match = matchRequest(request, records, this.schemas, {
      today: options.today,
      nowSeconds: Math.floor(this.#now() / 1000),
    });
    const proposed = choose(match, records, undefined);
    const answer = await options.consent({
      verifier,
      disclosures: proposed,
      match,
      ...(request.pseudonym
        ? {
            pseudonym: {
              scope: request.pseudonym.scope,
              ...(request.pseudonym.period !== undefined ? { period: request.pseudonym.period } : {}),
              timeZone: request.pseudonym.timeZone ?? 'UTC',
              persistent: request.pseudonym.period === undefined,
              notice: request.pseudonym.period === undefined ? PERSISTENT_PSEUDONYM_NOTICE : PERIOD_NOTICE,
            },
          }
        : {}),
    });
    const approved = typeof answer === 'boolean' ? answer : answer?.approve === true;
    if (!approved) throw new HolderError('CONSENT_DECLINED', 'the holder declined');
    if (typeof answer === 'object') checkChoices(answer.choices, answer.allowPersistentPseudonym, 'consent answer');
    const presentation = await this.#present(
      request,
      {
        today: options.today,
        ...(typeof answer === 'object' && answer.choices ? { choices: answer.choices } : {}),
        ...(typeof answer === 'object' && answer.allowPersistentPseudonym ? { allowPersistentPseudonym: true } : {}),
      },
      origin,
    );
    const outcome = await transport.submit(claims.response_uri, presentation);
    return { ...submitOutcome(outcome, request.requestId), verifier };
  }

  async #authenticateCached(jws: string): Promise<AuthenticatedRequest> {
    const nowMs = this.#now();
    return authenticateRequest(jws.trim(), {
      nowMs,
      allowInsecureLocalhost: this.#allowInsecureLocalhost,
      keys: async (origin) => {
        const cached = await this.verifierKeys.get(origin);
        if (cached === undefined) {
          throw new HolderError(
            'VERIFIER_KEY_UNAVAILABLE',
            `no keys of ${origin} are cached: answer one of its requests online first, or load its JWKS`,
          );
        }
        const age = nowMs - cached.fetchedAt;
        if (!Number.isFinite(age) || age > this.#verifierKeyMaxAgeMs || age < -CLOCK_SKEW_MS) {
          throw new HolderError(
            'VERIFIER_KEY_UNAVAILABLE',
            `the cached keys of ${origin} are older than ${Math.round(this.#verifierKeyMaxAgeMs / 3_600_000)} h: answer one of its requests online, or load its JWKS again`,
          );
        }
        return cached.jwks;
      },
    });
  }

  async #present(
    request: PresentationRequest,
    options: PresentOptions,
    origin: string | undefined,
  ): Promise<Presentation> {
    const nowMs = this.#now();
    if (request.expiresAt * 1000 < nowMs) throw new HolderError('REQUEST_EXPIRED', 'the request has expired');
    if (request.pseudonym && request.pseudonym.period === undefined && options.allowPersistentPseudonym !== true) {
      throw new HolderError(
        'CONSENT_DECLINED',
        `the venue asks for a pseudonym without a period (${PERSISTENT_PSEUDONYM_NOTICE}): that needs allowPersistentPseudonym`,
      );
    }
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
    // A one-time context gets a fresh salt of the holder's: nothing the verifier sends makes two equal.
    const salt = request.pseudonym ? undefined : globalThis.crypto.getRandomValues(new Uint8Array(LIMITS.saltBytes));
    const contextId = presentationContextId(request, { origin, salt });
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
      ...(salt ? { salt: toBase64url(salt) } : {}),
    });
    await this.#nonces.record(nonceKey, nowMs);
    return presentation;
  }

  /**
   * `present`, as `PRIVID1:P:` QR text. One item with its predicates fits (QR version 36-38); two
   * items with predicates do not fit one QR code (`QR_TOO_LARGE`): such a venue must answer online.
   */
  async presentQr(requestInput: unknown, options: PresentOptions): Promise<string> {
    const presentation = await this.present(requestInput, options);
    try {
      return encodeQr('presentation', presentation);
    } catch (error) {
      if (error instanceof CredentialFormatError && error.code === 'QR_TOO_LARGE') {
        throw new HolderError('QR_TOO_LARGE', `${error.message}: answer this venue online (wallet.respond)`, {
          cause: error,
        });
      }
      throw error;
    }
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

/** `today` is a day number: milliseconds (or seconds) are a caller's mistake, not an expired credential. */
function checkToday(today: unknown): void {
  if (!isDayNumber(today)) {
    throw new HolderError(
      'INVALID_ARGUMENT',
      `today must be a day number (days since 1970-01-01 UTC, e.g. Math.floor(Date.now() / 86400000)), got ${String(today)}`,
    );
  }
}

/** An options argument must be an object: a day number passed in its place is a caller's mistake. */
function checkOptionsObject(options: unknown, call: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new HolderError('INVALID_ARGUMENT', `${call} takes an options object, got ${describeArgument(options)}`);
  }
}

function checkPresentOptions(options: PresentOptions): void {
  checkOptionsObject(options, 'present');
  checkToday(options.today);
  checkChoices(options.choices, options.allowPersistentPseudonym, 'options');
}

/** `choices` by group index (credential id, or id and clause) and the persistent-pseudonym flag. */
function checkChoices(choices: unknown, allowPersistent: unknown, where: string): void {
  if (allowPersistent !== undefined && typeof allowPersistent !== 'boolean') {
    throw new HolderError('INVALID_ARGUMENT', `${where}.allowPersistentPseudonym must be a boolean`);
  }
  if (choices === undefined) return;
  if (!Array.isArray(choices)) {
    throw new HolderError('INVALID_ARGUMENT', `${where}.choices must be an array, one entry per group`);
  }
  choices.forEach((choice: unknown, i) => {
    const c = choice as { credentialId?: unknown; clauseIndex?: unknown } | null;
    const ok =
      choice === undefined ||
      typeof choice === 'string' ||
      (typeof c === 'object' &&
        c !== null &&
        typeof c.credentialId === 'string' &&
        (c.clauseIndex === undefined ||
          (typeof c.clauseIndex === 'number' && Number.isInteger(c.clauseIndex) && c.clauseIndex >= 0)));
    if (!ok) {
      throw new HolderError(
        'INVALID_ARGUMENT',
        `${where}.choices[${i}] must be a credential id or { credentialId, clauseIndex? }`,
        { path: `/choices/${i}` },
      );
    }
  });
}

function describeArgument(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'number' || typeof value === 'string' ? `${typeof value} ${String(value)}` : typeof value;
}

/** The verifier service's outcome: `{ requestId, status, reasons }`. */
function submitOutcome(body: unknown, requestId: string): Omit<RespondResult, 'verifier'> {
  const b = body as { requestId?: unknown; status?: unknown; reasons?: unknown } | null;
  if (
    typeof b !== 'object' ||
    b === null ||
    b.requestId !== requestId ||
    (b.status !== 'accepted' && b.status !== 'rejected') ||
    !Array.isArray(b.reasons)
  ) {
    throw new HolderError('INVALID_RESPONSE', 'the verifier did not answer with the outcome of this request');
  }
  const reasons = (b.reasons as unknown[]).slice(0, 32).map((r) => {
    const reason = r as { code?: unknown; message?: unknown };
    return {
      code: typeof reason?.code === 'string' ? reason.code.slice(0, 64) : 'UNKNOWN',
      ...(typeof reason?.message === 'string' ? { message: reason.message.slice(0, 512) } : {}),
    };
  });
  return { requestId, status: b.status, reasons };
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
