/**
 * Verifying a presentation against the request it answers: pure and offline-capable (a kiosk
 * with a cached trust list verifies with no network). Never throws: malformed input is a
 * `MALFORMED` reason with the JSON Pointer of the problem.
 *
 * Checks, cheap ones first (a proof is verified only when everything else about its item
 * passed, so garbage costs no pairings):
 * 1. parse request, presentation and trust list (`MALFORMED`);
 * 2. binding: request id and verifier id (`REQUEST_MISMATCH`), nonce (`NONCE_MISMATCH`), the
 *    request's expiry when a clock is given (`REQUEST_EXPIRED`); one item per group
 *    (`MISSING_GROUP`);
 * 3. per item: the clause exists, schema (`SCHEMA_MISMATCH`), issuer accepted by the clause and
 *    in the trust list (`UNTRUSTED_ISSUER`), key known for that suite (`UNKNOWN_KEY`), not
 *    revoked (`KEY_REVOKED`), exactly the requested disclosures (`UNDISCLOSED_ATTRIBUTE`,
 *    `EXTRA_DISCLOSURE`), validity days when disclosed (`EXPIRED`, `NOT_YET_VALID`), every
 *    constraint on a disclosed value (`CONSTRAINT_FAILED`), the proven statements for the other
 *    constraints (`PREDICATE_MISMATCH`), a pseudonym (`PSEUDONYM_MISMATCH`), then the BBS proof
 *    with `presentationHeader(...)` and the pseudonym context (`PROOF_INVALID`) and the
 *    predicate proof (`PREDICATE_FAILED`);
 * 4. all items carry the same pseudonym (`PSEUDONYM_MISMATCH`): one holder secret.
 */
import { BbsError } from '../bbs/index.js';
import {
  attributesToDisclose,
  builtinSchemaRegistry,
  CredentialCryptoError,
  CredentialEncodingError,
  CredentialFormatError,
  decodeQr,
  evaluateConstraint,
  fromBase64url,
  isDayNumber,
  parsePresentation,
  parsePresentationRequest,
  presentationContextId,
  implies,
  predicateConstraints,
  presentationHeader,
  resolveConstraint,
  verifyItemDetailed,
  resolveDay,
  ORIGIN_PATTERN,
  type Constraint,
  type AttributeValue,
  type ProvenConstraint,
  type Presentation,
  type PresentationItem,
  type PresentationRequest,
  type SchemaRegistry,
} from '../credential/index.js';
import { TrustIndex, TrustListError } from './trust-list.js';

/** Stable reason codes of a rejected presentation. */
export const VERIFICATION_REASON_CODES = [
  /** Request, presentation, trust list or options are not well formed (see `path`). */
  'MALFORMED',
  /** The presentation names another request id or verifier id. */
  'REQUEST_MISMATCH',
  /** The presentation's nonce is not the request's. */
  'NONCE_MISMATCH',
  /** The request's expiresAt is before `nowSeconds`. */
  'REQUEST_EXPIRED',
  /** No item answers this group. */
  'MISSING_GROUP',
  /** The item's schema is not the clause's (or unknown to the verifier). */
  'SCHEMA_MISMATCH',
  /** The issuer (or key) is not accepted by the clause, or not in the trust list. */
  'UNTRUSTED_ISSUER',
  /** The trust list has no such key for that issuer and suite. */
  'UNKNOWN_KEY',
  /** The key is revoked in the trust list. */
  'KEY_REVOKED',
  /** The suite cannot carry privid presentations (BBS+2020). */
  'UNSUPPORTED_SUITE',
  /** A value the clause asks for is not disclosed. */
  'UNDISCLOSED_ATTRIBUTE',
  /** A value the clause does not ask for is disclosed. */
  'EXTRA_DISCLOSURE',
  /** The disclosed validFrom is after today, or `validFrom <= today` is not proven for the verifier's day. */
  'NOT_YET_VALID',
  /** The disclosed validUntil is before today, or `validUntil >= today` is not proven for the verifier's day. */
  'EXPIRED',
  /** A constraint is false on the disclosed value. */
  'CONSTRAINT_FAILED',
  /**
   * The item's proven statements (`proven`) are not exactly the clause's constraints on hidden
   * attributes, in order, each at least as strict as the request resolved for today.
   */
  'PREDICATE_MISMATCH',
  /** The BBS proof verifies but a proven constraint does not hold (its predicate proof fails). */
  'PREDICATE_FAILED',
  /**
   * The clause does not prove the credential valid on the verifier's day (it lacks
   * `validUntil gte today` or `validFrom lte today`) and the verifier did not opt out.
   */
  'VALIDITY_UNCHECKED',
  /** An item has no pseudonym, or the items' pseudonyms differ (not one holder). */
  'PSEUDONYM_MISMATCH',
  /**
   * The BBS proof does not verify: a changed value, another nonce/verifier/request/group, a
   * pseudonym for another context, a key mismatch, or no knowledge of the holder secret.
   */
  'PROOF_INVALID',
] as const;

export type VerificationReasonCode = (typeof VERIFICATION_REASON_CODES)[number];

export interface VerificationReason {
  readonly code: VerificationReasonCode;
  /** The request group concerned, if any. */
  readonly groupIndex?: number;
  /** JSON Pointer: `/presentation/...`, `/request/...`, `/trust/...` or `/options/...`. */
  readonly path?: string;
  readonly message: string;
}

export interface DisclosedItem {
  readonly groupIndex: number;
  readonly clauseIndex: number;
  readonly schemaRef: string;
  readonly issuerId: string;
  readonly keyId: string;
  readonly suite: string;
  /** Exactly the disclosed values (attributes, validFrom/validUntil). */
  readonly values: Readonly<Record<string, AttributeValue>>;
  /** The constraints proven over hidden values (no value is shown for them). */
  readonly proven: readonly ProvenConstraint[];
}

export type VerificationResult =
  | {
      readonly accepted: true;
      readonly disclosed: readonly DisclosedItem[];
      /**
       * Base64url pseudonym, only when the request asked for one: stable for this wallet,
       * verifier, scope and period. Enforce the venue's rule with it (e.g. one entry per day).
       */
      readonly pseudonym?: string;
    }
  | { readonly accepted: false; readonly reasons: readonly VerificationReason[] };

export interface VerifyOptions {
  /** The verifier's day number (days since 1970-01-01 UTC) from its clock. */
  readonly today: number;
  /** The verifier's clock, Unix seconds (required): an expired request is rejected (`REQUEST_EXPIRED`). */
  readonly nowSeconds: number;
  /**
   * The verifier's own origin (`https://host[:port]`), whose key signs its requests: required when
   * the request asks for a scoped pseudonym, which the wallet computes over the origin it
   * authenticated (see pseudonymContext).
   */
  readonly origin?: string;
  /**
   * Accept clauses that do not prove the credential valid on `today` (no `validUntil gte today` and
   * `validFrom lte today` constraints). Default false: such a clause is rejected (`VALIDITY_UNCHECKED`).
   */
  readonly allowUncheckedValidity?: boolean;
  /** Schemas the verifier reads. Default `builtinSchemaRegistry()`. */
  readonly schemas?: SchemaRegistry;
}

class Malformed extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const defaultSchemas = builtinSchemaRegistry();

function parseInput<T>(input: unknown, kind: 'request' | 'presentation', parse: (json: unknown) => T, at: string): T {
  try {
    if (typeof input === 'string') {
      const text = input.trim();
      if (text.startsWith('{')) {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw new Malformed(at, `the ${kind} is not JSON`);
        }
        return parse(json);
      }
      return decodeQr(input, { expect: kind }).value as T;
    }
    return parse(input);
  } catch (error) {
    if (error instanceof CredentialFormatError) throw new Malformed(`${at}${error.path}`, error.message);
    throw error;
  }
}

/**
 * Verifies `presentation` (object, JSON or `PRIVID1:P:` QR text) against `request` (the one the
 * verifier issued) with `trust` (a TrustList JSON or a prebuilt `TrustIndex`). Never throws.
 */
export function verifyPresentation(
  presentation: unknown,
  request: unknown,
  trust: unknown,
  options: VerifyOptions,
): VerificationResult {
  try {
    return verifyUnchecked(presentation, request, trust, options);
  } catch (error) {
    if (error instanceof Malformed) {
      return { accepted: false, reasons: [{ code: 'MALFORMED', path: error.path, message: error.message }] };
    }
    // Fail closed on anything unexpected.
    const message = error instanceof Error ? error.message : String(error);
    return { accepted: false, reasons: [{ code: 'MALFORMED', path: '', message: `could not verify: ${message}` }] };
  }
}

/**
 * The checks that need no cryptography and say whether a presentation answers this request at
 * all: same request id, verifier id and nonce, and (given the time) a request not yet expired.
 * A service can run them before it spends any pairing on the proofs; verifyPresentation runs them
 * first too.
 */
export function bindingReasons(
  presentation: Pick<Presentation, 'requestId' | 'verifierId' | 'nonce'>,
  request: Pick<PresentationRequest, 'requestId' | 'verifierId' | 'nonce' | 'expiresAt'>,
  nowSeconds?: number,
): VerificationReason[] {
  const reasons: VerificationReason[] = [];
  for (const field of ['requestId', 'verifierId'] as const) {
    if (presentation[field] !== request[field]) {
      reasons.push({
        code: 'REQUEST_MISMATCH',
        path: `/presentation/${field}`,
        message: `${field} is not the request's`,
      });
    }
  }
  if (presentation.nonce !== request.nonce) {
    reasons.push({
      code: 'NONCE_MISMATCH',
      path: '/presentation/nonce',
      message: 'the nonce is not the request nonce',
    });
  }
  if (nowSeconds !== undefined && request.expiresAt < nowSeconds) {
    reasons.push({ code: 'REQUEST_EXPIRED', path: '/request/expiresAt', message: 'the request has expired' });
  }
  return reasons;
}

function verifyUnchecked(
  presentationInput: unknown,
  requestInput: unknown,
  trust: unknown,
  options: VerifyOptions,
): VerificationResult {
  if (typeof options !== 'object' || options === null) throw new Malformed('/options', 'options are required');
  if (!isDayNumber(options.today)) throw new Malformed('/options/today', 'today must be a day number');
  if (!Number.isSafeInteger(options.nowSeconds) || options.nowSeconds < 0) {
    throw new Malformed('/options/nowSeconds', "nowSeconds (the verifier's clock, Unix seconds) is required");
  }
  const request = parseInput(requestInput, 'request', parsePresentationRequest, '/request');
  const presentation = parseInput(presentationInput, 'presentation', parsePresentation, '/presentation');
  let index: TrustIndex;
  try {
    index = trust instanceof TrustIndex ? trust : new TrustIndex(trust);
  } catch (error) {
    if (error instanceof TrustListError) throw new Malformed(`/trust${error.path}`, error.message);
    throw error;
  }
  const schemas = options.schemas ?? defaultSchemas;
  const reasons: VerificationReason[] = [];

  reasons.push(...bindingReasons(presentation, request, options.nowSeconds));
  // The pseudonym context: over the verifier's origin for a scoped pseudonym, over the holder's
  // salt for a one-time one.
  let contextId: Uint8Array | undefined;
  if (request.pseudonym) {
    if (typeof options.origin !== 'string' || !new RegExp(ORIGIN_PATTERN).test(options.origin)) {
      throw new Malformed('/options/origin', 'a request with a scoped pseudonym needs the verifier origin');
    }
    if (presentation.salt !== undefined) {
      reasons.push({ code: 'MALFORMED', path: '/presentation/salt', message: 'a scoped pseudonym takes no salt' });
    } else contextId = presentationContextId(request, { origin: options.origin });
  } else if (presentation.salt === undefined) {
    reasons.push({
      code: 'PSEUDONYM_MISMATCH',
      path: '/presentation/salt',
      message: 'a one-time pseudonym needs the holder salt',
    });
  } else contextId = presentationContextId(request, { salt: presentation.salt });
  for (let i = request.groups.length; i < presentation.items.length; i++) {
    reasons.push({ code: 'MALFORMED', path: `/presentation/items/${i}`, message: `the request has no group ${i}` });
  }
  // A presentation that does not answer this request is not worth any pairings.
  const bound = reasons.length === 0;
  const disclosed: DisclosedItem[] = [];
  request.groups.forEach((_, groupIndex) => {
    const item = presentation.items[groupIndex];
    if (!item) {
      reasons.push({ code: 'MISSING_GROUP', groupIndex, message: `no item answers group ${groupIndex}` });
      return;
    }
    const result = checkItem(request, presentation, item, groupIndex, index, schemas, options, contextId, bound);
    reasons.push(...result.reasons);
    if (result.disclosed) disclosed.push(result.disclosed);
  });
  const pseudonyms = new Set(presentation.items.map((item) => item.pseudonym).filter((p) => p !== undefined));
  if (pseudonyms.size > 1) {
    reasons.push({
      code: 'PSEUDONYM_MISMATCH',
      path: '/presentation/items',
      message: 'the items carry different pseudonyms: they are not bound to one holder secret',
    });
  }
  if (reasons.length > 0) return { accepted: false, reasons };
  const pseudonym = presentation.items[0]?.pseudonym;
  return {
    accepted: true,
    disclosed,
    ...(request.pseudonym && pseudonym !== undefined ? { pseudonym } : {}),
  };
}

function checkItem(
  request: PresentationRequest,
  presentation: Presentation,
  item: PresentationItem,
  groupIndex: number,
  index: TrustIndex,
  schemas: SchemaRegistry,
  options: VerifyOptions,
  contextId: Uint8Array | undefined,
  checkProof: boolean,
): { reasons: VerificationReason[]; disclosed?: DisclosedItem } {
  const today = options.today;
  const at = `/presentation/items/${groupIndex}`;
  const reasons: VerificationReason[] = [];
  const push = (code: VerificationReasonCode, path: string, message: string) =>
    reasons.push({ code, groupIndex, path, message });
  const clause = request.groups[groupIndex]!.anyOf[item.clauseIndex];
  if (!clause) {
    push('MALFORMED', `${at}/clauseIndex`, `group ${groupIndex} has no clause ${item.clauseIndex}`);
    return { reasons };
  }
  if (item.schemaRef !== clause.schemaRef) {
    push('SCHEMA_MISMATCH', `${at}/schemaRef`, `the clause asks for ${clause.schemaRef}`);
    return { reasons };
  }
  const schema = schemas.resolve(item.schemaRef);
  if (!schema) {
    push('SCHEMA_MISMATCH', `${at}/schemaRef`, `the verifier does not know the schema ${item.schemaRef}`);
    return { reasons };
  }

  // Issuer and key.
  let publicKey: Uint8Array | undefined;
  const accepted = clause.issuers.find((issuer) => issuer.issuerId === item.issuerId);
  if (!accepted) {
    push('UNTRUSTED_ISSUER', `${at}/issuerId`, `the request does not accept ${item.issuerId}`);
  } else if (accepted.keyIds && !accepted.keyIds.includes(item.keyId)) {
    push('UNTRUSTED_ISSUER', `${at}/keyId`, `the request does not accept key ${item.keyId} of ${item.issuerId}`);
  } else if (!index.issuer(item.issuerId)) {
    push('UNTRUSTED_ISSUER', `${at}/issuerId`, `${item.issuerId} is not in the trust list`);
  } else {
    const resolved = index.key(item.issuerId, item.keyId);
    if (!resolved) push('UNKNOWN_KEY', `${at}/keyId`, `${item.issuerId} has no key ${item.keyId} in the trust list`);
    else if (resolved.key.suite !== item.suite) {
      push('UNKNOWN_KEY', `${at}/suite`, `key ${item.keyId} is a ${resolved.key.suite} key, not ${item.suite}`);
    } else if (resolved.key.status === 'revoked') push('KEY_REVOKED', `${at}/keyId`, `key ${item.keyId} is revoked`);
    else publicKey = resolved.publicKey;
  }
  if (item.suite === 'BBS+2020') {
    push('UNSUPPORTED_SUITE', `${at}/suite`, 'BBS+2020 credentials cannot carry privid presentations');
  }

  // Disclosure: exactly what the clause asks for.
  const wanted = attributesToDisclose(clause);
  const has = (name: string) => Object.prototype.hasOwnProperty.call(item.disclosed, name);
  for (const name of wanted) {
    if (!has(name)) push('UNDISCLOSED_ATTRIBUTE', `${at}/disclosed/${pointer(name)}`, `${name} was asked for`);
  }
  for (const name of Object.keys(item.disclosed)) {
    if (!wanted.includes(name))
      push('EXTRA_DISCLOSURE', `${at}/disclosed/${pointer(name)}`, `${name} was not asked for`);
  }

  // Validity (when disclosed) and constraints, on the disclosed values.
  const validUntil = item.disclosed.validUntil;
  const validFrom = item.disclosed.validFrom;
  const expired = typeof validUntil === 'number' && validUntil < today;
  const notYet = typeof validFrom === 'number' && validFrom > today;
  if (expired) push('EXPIRED', `${at}/disclosed/validUntil`, `expired after day ${validUntil}`);
  if (notYet) push('NOT_YET_VALID', `${at}/disclosed/validFrom`, `valid from day ${validFrom}`);
  clause.constraints.forEach((constraint) => {
    if (!has(constraint.attribute)) return;
    if (evaluateConstraint(constraint, item.disclosed[constraint.attribute], { today })) return;
    if ((constraint.attribute === 'validUntil' && expired) || (constraint.attribute === 'validFrom' && notYet)) return;
    push(
      'CONSTRAINT_FAILED',
      `${at}/disclosed/${pointer(constraint.attribute)}`,
      `${constraint.attribute} ${constraint.op} ${JSON.stringify(constraint.value)} is false`,
    );
  });
  const proven = item.proven ?? [];
  const requested = predicateConstraints(clause);
  if (proven.length !== requested.length) {
    push('PREDICATE_MISMATCH', `${at}/proven`, `the clause asks for ${requested.length} proven constraints`);
  } else {
    requested.forEach((constraint, i) => {
      const wantedStatement = resolveConstraint(constraint, schema, today);
      if (!wantedStatement || !implies(proven[i]!, wantedStatement)) {
        push(
          validityReason(constraint) ?? 'PREDICATE_MISMATCH',
          `${at}/proven/${i}`,
          `does not prove ${constraint.attribute} ${constraint.op} ${JSON.stringify(constraint.value)}`,
        );
      }
    });
  }
  if (proven.length > 0 && item.predicateProof === undefined) {
    push('PREDICATE_MISMATCH', `${at}/predicateProof`, 'proven constraints need a predicate proof');
  }
  // Fail closed on validity: the clause must prove the credential valid today, unless the verifier opted out.
  if (!options.allowUncheckedValidity && !provesValidityOn(clause.constraints, today)) {
    push(
      'VALIDITY_UNCHECKED',
      `/request/groups/${groupIndex}/anyOf/${item.clauseIndex}/constraints`,
      'the clause does not prove the credential valid today (validUntil gte today and validFrom lte today)',
    );
  }
  if (item.pseudonym === undefined) {
    push('PSEUDONYM_MISMATCH', `${at}/pseudonym`, 'every privid presentation item carries a pseudonym');
  }

  // The proof, last and only for an item that passed everything else.
  if (
    !checkProof ||
    reasons.length > 0 ||
    publicKey === undefined ||
    item.pseudonym === undefined ||
    contextId === undefined
  ) {
    return { reasons };
  }
  try {
    const outcome = verifyItemDetailed({
      suite: item.suite,
      publicKey,
      schema,
      schemaRef: item.schemaRef,
      keyId: item.keyId,
      disclosed: item.disclosed,
      proof: fromBase64url(item.proof),
      pseudonym: fromBase64url(item.pseudonym),
      presentationHeader: presentationHeader({
        nonce: presentation.nonce,
        verifierId: presentation.verifierId,
        requestId: presentation.requestId,
        groupIndex,
      }),
      contextId,
      proven,
      predicateProof: item.predicateProof === undefined ? undefined : fromBase64url(item.predicateProof),
    });
    if (outcome === 'proof') push('PROOF_INVALID', `${at}/proof`, 'the proof does not verify');
    if (outcome === 'predicate') {
      push('PREDICATE_FAILED', `${at}/predicateProof`, 'a proven constraint does not hold');
    }
  } catch (error) {
    if (error instanceof CredentialEncodingError) {
      const issue = error.issues[0];
      push('MALFORMED', `${at}${issue?.path ?? '/disclosed'}`, error.message);
    } else if (error instanceof CredentialCryptoError) {
      push('UNSUPPORTED_SUITE', `${at}/suite`, error.message);
    } else if (error instanceof BbsError) {
      if (error.field === 'publicKey')
        push('UNKNOWN_KEY', `${at}/keyId`, `the trusted key is not usable: ${error.message}`);
      else if (error.field === 'pseudonym') push('MALFORMED', `${at}/pseudonym`, error.message);
      else if (error.field.startsWith('predicateProof')) push('MALFORMED', `${at}/predicateProof`, error.message);
      else push('MALFORMED', `${at}/proof`, error.message);
    } else {
      throw error;
    }
  }
  if (reasons.length > 0) return { reasons };
  return {
    reasons,
    disclosed: {
      groupIndex,
      clauseIndex: item.clauseIndex,
      schemaRef: item.schemaRef,
      issuerId: item.issuerId,
      keyId: item.keyId,
      suite: item.suite,
      values: { ...item.disclosed },
      proven,
    },
  };
}

/**
 * The reason for a validity predicate proven for another day than the verifier's (a wallet whose
 * credential expired, or whose clock is behind): the person at the door needs "expired", not a
 * protocol term. Undefined for any other constraint.
 */
function validityReason(constraint: Constraint): 'EXPIRED' | 'NOT_YET_VALID' | undefined {
  if (constraint.attribute === 'validUntil' && constraint.op === 'gte') return 'EXPIRED';
  if (constraint.attribute === 'validFrom' && constraint.op === 'lte') return 'NOT_YET_VALID';
  return undefined;
}

/**
 * Whether constraints make a credential prove it is valid on `today`: `validUntil gte` a day not
 * before today and `validFrom lte` a day not after it (see validityConstraints).
 */
export function provesValidityOn(constraints: readonly Constraint[], today: number): boolean {
  const bound = (attribute: string, op: 'gte' | 'lte', ok: (day: number) => boolean) =>
    constraints.some((c) => {
      if (c.attribute !== attribute || c.op !== op || Array.isArray(c.value)) return false;
      const day = resolveDay(c.value, today);
      return day !== undefined && ok(day);
    });
  return bound('validUntil', 'gte', (day) => day >= today) && bound('validFrom', 'lte', (day) => day <= today);
}

/** The constraints that make a clause prove validity on the verifier's day. */
export function validityConstraints(): Constraint[] {
  return [
    { attribute: 'validUntil', op: 'gte', value: 'today' },
    { attribute: 'validFrom', op: 'lte', value: 'today' },
  ];
}

function pointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
