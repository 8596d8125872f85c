/**
 * QR images of privid QR texts (offers, requests, presentations) for screens and printers.
 *
 * The QR encoding itself (segment mode, Reed-Solomon, masking) is @paulmillr/qr's; this file only
 * draws its module matrix. Choices a phone camera needs:
 * - error correction M (15 % of the codewords recoverable): the level the QR sizes in
 *   docs/credential-model.md are measured at; a glare spot or a scratched print still reads, and a
 *   1,236-character presentation stays at version 23 (L would save two versions, Q would cost four);
 * - a quiet zone of 4 modules on every side (ISO/IEC 18004 section 5.3.8: without it phone
 *   decoders fail to find the finder patterns on a busy background), drawn light, so the image
 *   reads the same on a dark page;
 * - alphanumeric mode (privid's QR texts are Base45 after an upper-case prefix), which the
 *   library picks by itself for such text.
 */
import { encodeQR } from '@paulmillr/qr';
import { deflateSync, crc32 } from 'node:zlib';

/** ISO/IEC 18004's minimum quiet zone, in modules. */
export const QUIET_ZONE_MODULES = 4;
export const QR_ECC = 'medium' as const;

/** The module matrix of `text`, quiet zone included: true is dark. */
export function qrMatrix(text: string): boolean[][] {
  return encodeQR(text, 'raw', { ecc: QR_ECC, border: QUIET_ZONE_MODULES });
}

/**
 * An SVG of the matrix: one path of horizontal runs (a few KB, where one rectangle per module is
 * over 100 KB), on a light background, scaled by the viewer without blur (crispEdges).
 */
export function qrSvg(text: string): string {
  const matrix = qrMatrix(text);
  const size = matrix.length;
  let d = '';
  matrix.forEach((row, y) => {
    for (let x = 0; x < size; x++) {
      if (!row[x]) continue;
      const start = x;
      while (x + 1 < size && row[x + 1]) x++;
      d += `M${start} ${y}h${x - start + 1}v1h-${x - start + 1}z`;
    }
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`
  );
}

/** Pixels per module of a PNG: at least 1, at most 32 (a version-40 code at 32 is 5,824 pixels wide). */
export const PNG_SCALE = { min: 1, max: 32, default: 8 } as const;

/**
 * A PNG of the matrix for printers (1-bit greyscale, `scale` pixels per module). Written here
 * because it is 30 lines over node:zlib: IHDR, one IDAT of filter-0 scanlines, IEND.
 */
export function qrPng(text: string, scale: number = PNG_SCALE.default): Uint8Array {
  if (!Number.isInteger(scale) || scale < PNG_SCALE.min || scale > PNG_SCALE.max) {
    throw new RangeError(`scale must be an integer ${PNG_SCALE.min}..${PNG_SCALE.max}`);
  }
  const matrix = qrMatrix(text);
  const width = matrix.length * scale;
  const rowBytes = Math.ceil(width / 8);
  const raw = new Uint8Array((rowBytes + 1) * width);
  for (let y = 0; y < width; y++) {
    const row = matrix[Math.floor(y / scale)]!;
    const offset = y * (rowBytes + 1); // raw[offset] = 0: filter type None
    for (let x = 0; x < width; x++) {
      // In 1-bit greyscale 1 is white: set the bit for light modules.
      if (!row[Math.floor(x / scale)]) raw[offset + 1 + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, width);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filtering, no interlace
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
