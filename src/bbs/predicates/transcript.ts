/**
 * The Fiat-Shamir transcript of privid's predicate proofs, after the ideas of
 * draft-irtf-cfrg-fiat-shamir: a stateful object that is started with a protocol label and the
 * session (the presentation it belongs to), absorbs every prover message in order, and squeezes
 * each verifier challenge from everything absorbed so far.
 *
 * Concretely, every absorbed element is appended as  lp(label) || lp(bytes)  (lp = 4-octet
 * length prefix) to one growing byte string; a challenge is
 *
 *   challenge = hash_to_scalar(transcript || lp(label) || "challenge", api_id || "H2S_")
 *
 * with the ciphersuite's expand_message and api_id = ciphersuite_id || "PRIVID_PREDICATES_V1_",
 * and is itself absorbed, so every later challenge depends on it. Labels are distinct per
 * protocol and message, so no two messages of different roles can be confused (domain
 * separation), and lengths are explicit, so the encoding is injective.
 */
import { ascii, concatBytes, i2osp } from '../bytes.js';
import type { Ciphersuite } from '../ciphersuites.js';
import { pointToOctetsG1, scalarToOctets, type G1Point } from '../curve.js';
import { hashToScalar } from '../hashing.js';
import { predicatesApiId } from './generators.js';

const CHALLENGE = ascii('challenge');

export class Transcript {
  private readonly parts: Uint8Array[] = [];
  private readonly dst: Uint8Array;

  constructor(
    private readonly cs: Ciphersuite,
    protocol: string,
  ) {
    this.dst = concatBytes(predicatesApiId(cs), ascii('H2S_'));
    this.absorbBytes('protocol', ascii(protocol));
  }

  absorbBytes(label: string, bytes: Uint8Array): void {
    const name = ascii(label);
    this.parts.push(i2osp(name.length, 4), name, i2osp(bytes.length, 4), bytes);
  }

  absorbPoint(label: string, point: G1Point): void {
    this.absorbBytes(label, pointToOctetsG1(point));
  }

  absorbScalar(label: string, value: bigint): void {
    this.absorbBytes(label, scalarToOctets(value));
  }

  absorbInt(label: string, value: number): void {
    this.absorbBytes(label, i2osp(value, 8));
  }

  /** A challenge scalar; absorbed again so later challenges depend on it. */
  challenge(label: string): bigint {
    const name = ascii(label);
    const c = hashToScalar(this.cs, concatBytes(...this.parts, i2osp(name.length, 4), name, CHALLENGE), this.dst);
    this.absorbScalar(`${label}:value`, c);
    return c;
  }
}
