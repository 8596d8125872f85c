/**
 * Base45 (RFC 9285): bytes as text in the 45-character QR alphanumeric alphabet, so a QR
 * code can use alphanumeric mode (5.5 bits per character) instead of byte mode (8 bits).
 *
 * Two bytes [a, b] become n = a*256 + b = c + d*45 + e*45^2, written c d e; a final single
 * byte a = c + d*45 is written c d.
 */

export const BASE45_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

const VALUES: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < BASE45_ALPHABET.length; i++) table[BASE45_ALPHABET.charCodeAt(i)] = i;
  return table;
})();

export class Base45Error extends Error {
  override readonly name = 'Base45Error';
  readonly reason: 'ALPHABET' | 'LENGTH' | 'OVERFLOW';
  constructor(reason: Base45Error['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 <= bytes.length; i += 2) {
    const n = bytes[i]! * 256 + bytes[i + 1]!;
    const e = Math.floor(n / 2025);
    const rest = n % 2025;
    out += BASE45_ALPHABET[rest % 45]! + BASE45_ALPHABET[Math.floor(rest / 45)]! + BASE45_ALPHABET[e]!;
  }
  if (i < bytes.length) {
    const n = bytes[i]!;
    out += BASE45_ALPHABET[n % 45]! + BASE45_ALPHABET[Math.floor(n / 45)]!;
  }
  return out;
}

/** The index of the first character outside the Base45 alphabet, or -1. */
export function base45InvalidCharIndex(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || VALUES[code]! < 0) return i;
  }
  return -1;
}

/**
 * Strict decoding: throws a `Base45Error` for a character outside the alphabet, a length of
 * 3k+1, or a chunk whose value does not fit (over 65535 for three characters, 255 for two).
 */
export function base45Decode(text: string): Uint8Array {
  const bad = base45InvalidCharIndex(text);
  if (bad >= 0) throw new Base45Error('ALPHABET', `character ${JSON.stringify(text[bad])} at ${bad} is not Base45`);
  if (text.length % 3 === 1) throw new Base45Error('LENGTH', `length ${text.length} is not a Base45 length`);
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  let i = 0;
  for (; i + 3 <= text.length; i += 3) {
    const n =
      VALUES[text.charCodeAt(i)]! + VALUES[text.charCodeAt(i + 1)]! * 45 + VALUES[text.charCodeAt(i + 2)]! * 2025;
    if (n > 0xffff) throw new Base45Error('OVERFLOW', `chunk at ${i} decodes to ${n} > 65535`);
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (i < text.length) {
    const n = VALUES[text.charCodeAt(i)]! + VALUES[text.charCodeAt(i + 1)]! * 45;
    if (n > 0xff) throw new Base45Error('OVERFLOW', `final chunk decodes to ${n} > 255`);
    out[o++] = n;
  }
  return out;
}
