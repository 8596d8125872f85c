// A compressed G1 point that is on the curve but outside the prime-order subgroup: what a
// forged signature's A would be to leak the prover's blinding through the cofactor.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { decompress } from '../../src/bbs/g1-barrett.js';

export function compressedPointOutsideSubgroup(): Uint8Array {
  const halfP = (bls12_381.fields.Fp.ORDER - 1n) / 2n;
  for (let x = 1n; ; x++) {
    const affine = decompress(x, false);
    if (!affine || bls12_381.G1.Point.fromAffine(affine).isTorsionFree()) continue;
    const bytes = new Uint8Array(48);
    let v = x;
    for (let i = 47; i >= 0; i--) {
      bytes[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    bytes[0]! |= affine.y > halfP ? 0xa0 : 0x80;
    return bytes;
  }
}
