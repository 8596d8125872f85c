// Turning QR images back into pixels for @paulmillr/qr's decoder: a PNG reader (greyscale or
// RGB(A), 8-bit or 1-bit, every scanline filter) and a rasterizer for the SVGs the API draws
// (one path of M/h/v/z runs on a light background). Test code: the decoder, not these readers,
// decides what the image says.
import { inflateSync } from 'node:zlib';
import decodeQR from '@paulmillr/qr/decode.js';

export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decodes a PNG (no interlace, no palette) into RGBA pixels. */
export function readPng(png: Uint8Array): Rgba {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (view.getUint32(0) !== 0x89504e47) throw new Error('not a PNG');
  let at = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colour = 0;
  const idat: Uint8Array[] = [];
  while (at < png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      const h = new DataView(data.buffer, data.byteOffset, data.byteLength);
      width = h.getUint32(0);
      height = h.getUint32(4);
      depth = data[8]!;
      colour = data[9]!;
      if (data[12] !== 0) throw new Error('interlaced PNGs are not read here');
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colour as 0 | 2 | 4 | 6];
  if (!channels || (depth !== 8 && !(depth === 1 && colour === 0))) throw new Error(`PNG ${depth}/${colour} not read`);
  const raw = inflateSync(Buffer.concat(idat));
  const bpp = Math.max(1, (channels * depth) / 8);
  const stride = Math.ceil((width * channels * depth) / 8);
  const lines = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= bpp ? lines[y * stride + x - bpp]! : 0;
      const b = y > 0 ? lines[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? lines[(y - 1) * stride + x - bpp]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predictor === undefined) throw new Error(`bad PNG filter ${filter}`);
      lines[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (depth === 1) {
        const bit = (lines[y * stride + (x >> 3)]! >> (7 - (x & 7))) & 1;
        out.fill(bit ? 255 : 0, o, o + 3);
      } else {
        const p = y * stride + x * channels;
        const grey = channels <= 2;
        out[o] = lines[p]!;
        out[o + 1] = grey ? lines[p]! : lines[p + 1]!;
        out[o + 2] = grey ? lines[p]! : lines[p + 2]!;
      }
      out[o + 3] = 255;
    }
  }
  return { width, height, data: out };
}

/** Rasterizes the API's QR SVG at `scale` pixels per module. */
export function rasterizeQrSvg(svg: string, scale = 4): Rgba {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const d = /<path fill="#000" d="([^"]*)"/.exec(svg)?.[1];
  if (!size || d === undefined) throw new Error('not the API QR SVG');
  const width = size * scale;
  const data = new Uint8Array(width * width * 4).fill(255);
  for (const run of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    const [x0, y0, length] = [Number(run[1]), Number(run[2]), Number(run[3])];
    for (let y = y0 * scale; y < (y0 + 1) * scale; y++) {
      for (let x = x0 * scale; x < (x0 + length) * scale; x++)
        data.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
    }
  }
  return { width, height: width, data };
}

/**
 * What the QR code in the image says (throws if none is found). @paulmillr/qr's decoder misses
 * about one perfect image in fifty in one orientation (a data pattern taken for a finder pattern),
 * and reads it when turned: a phone camera sees the code at every angle too, so the image is tried
 * in the four quarter turns, and the first reading wins.
 */
export function decodeImage(image: Rgba): string {
  let lastError: unknown;
  for (let turn = 0; turn < 4; turn++) {
    try {
      return decodeQR({ width: image.width, height: image.height, data: image.data });
    } catch (error) {
      lastError = error;
      image = rotate(image);
    }
  }
  throw lastError;
}

/** The image turned a quarter clockwise. */
function rotate(image: Rgba): Rgba {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 4;
      const to = (x * height + (height - 1 - y)) * 4;
      out.set(data.subarray(from, from + 4), to);
    }
  }
  return { width: height, height: width, data: out };
}
