/**
 * The predicate benchmark's peer: @docknetwork/crypto-wasm-ts (Rust compiled to WASM), a BBS
 * signature (its IETF-draft BBS, not BBS+) proven in a CompositeProof with Bulletproofs++ bound
 * checks (`Statement.boundCheckBpp`), each tied to a signed message by a witness-equality meta
 * statement. That is the closest of Dock's bound checks to privid's: transparent setup (the
 * parameters hash from a label, like privid's generators), a logarithmic proof, no trusted setup
 * (LegoGroth16 needs a per-verifier SNARK key) and no verifier secret (the keyed-verification
 * set-membership check).
 *
 * The credential is the same shape as privid's vaccination record: 9 signed messages (schema,
 * issuerKeyId, validFrom, validUntil, productClass, doseCount, lastDoseDay, the blind and the
 * holder secret's place), schema, issuerKeyId and productClass disclosed. Dock's composite proof
 * has no pseudonym; privid's item carries one (a few group operations more on each side).
 */
import * as dock from '@docknetwork/crypto-wasm-ts';

/** One predicate: min <= messages[index] <= max (Dock's bound check is inclusive on both ends). */
export interface DockBound {
  readonly index: number;
  readonly min: number;
  readonly max: number;
}

export interface DockItem {
  readonly prove: () => Uint8Array;
  readonly verify: (proof: Uint8Array) => boolean;
  readonly proofLength: number;
}

/** Base 2, 64-bit values: the only Bulletproofs++ parameters Dock 0.67 proves bound checks with (others panic in its Rust code). */
const BPP_BASE = 2;
const BPP_BITS = 64;
let initialized: Promise<void> | undefined;

/** Loads Dock's WASM module once; throws (with the reason) where it cannot be initialised. */
export function initDock(): Promise<void> {
  initialized ??= dock.initializeWasm();
  return initialized;
}

/**
 * A prover and a verifier for one item: `values` are the integer messages (all of them encoded
 * with Dock's positive-number encoding, so a bound check may apply to any), `disclosed` the
 * revealed indexes, `bounds` the predicates. Bulletproofs++ parameters for base 2 and 16-bit
 * values, like privid's date ranges (8-bit doseCount is aggregated at 16 bits there too).
 */
export function dockItem(
  values: readonly number[],
  disclosed: readonly number[],
  bounds: readonly DockBound[],
): DockItem {
  const label = new TextEncoder().encode('privid-bench-dock');
  const params = dock.BBSSignatureParams.generate(values.length, label);
  const keypair = dock.BBSKeypair.generate(params);
  const messages = values.map((v) => dock.BBSSignature.encodePositiveNumberForSigning(v));
  const signature = dock.BBSSignature.generate(messages, keypair.secretKey, params, false);
  const revealed = new Map<number, Uint8Array>();
  const unrevealed = new Map<number, Uint8Array>();
  messages.forEach((m, i) => (disclosed.includes(i) ? revealed : unrevealed).set(i, m));
  const bpp = new dock.BoundCheckBppParams(label, BPP_BASE, BPP_BITS).decompress();

  const metaStatements = () => {
    const meta = new dock.MetaStatements();
    bounds.forEach((b, k) => {
      const eq = new dock.WitnessEqualityMetaStatement();
      eq.addWitnessRef(0, b.index);
      eq.addWitnessRef(1 + k, 0);
      meta.add(dock.MetaStatement.witnessEquality(eq));
    });
    return meta;
  };
  const proverStatements = new dock.Statements();
  proverStatements.add(dock.Statement.bbsSignatureProverConstantTime(params, revealed, false));
  for (const b of bounds) proverStatements.add(dock.Statement.boundCheckBpp(b.min, b.max, bpp));
  const proverSpec = new dock.QuasiProofSpec(proverStatements, metaStatements());
  const verifierStatements = new dock.Statements();
  verifierStatements.add(dock.Statement.bbsSignatureVerifierConstantTime(params, keypair.publicKey, revealed, false));
  for (const b of bounds) verifierStatements.add(dock.Statement.boundCheckBpp(b.min, b.max, bpp));
  const verifierSpec = new dock.QuasiProofSpec(verifierStatements, metaStatements());
  const nonce = new TextEncoder().encode('privid-bench-nonce');

  const prove = () => {
    const witnesses = new dock.Witnesses();
    witnesses.add(dock.Witness.bbsSignatureConstantTime(signature, unrevealed, false));
    for (const b of bounds) witnesses.add(dock.Witness.boundCheckBpp(messages[b.index]!));
    return dock.CompositeProof.generateUsingQuasiProofSpec(proverSpec, witnesses, nonce).bytes;
  };
  const verify = (proof: Uint8Array) =>
    new dock.CompositeProof(proof).verifyUsingQuasiProofSpec(verifierSpec, nonce).verified;
  const proof = prove();
  if (!verify(proof)) throw new Error('benchmark setup: Dock proof did not verify');
  return { prove, verify, proofLength: proof.length };
}
