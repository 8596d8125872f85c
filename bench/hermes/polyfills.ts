/**
 * What Hermes 0.12 lacks and privid needs, installed only where missing (Node keeps its own).
 *
 * Measured with `hermes -Xes6-promise` 0.12.0: no `TextEncoder`/`TextDecoder`, no `crypto`, no
 * `console` (the CLI has `print`), no `Array.prototype.at`; classes and private fields do not
 * parse (the build lowers them). BigInt, `**` on BigInt, generators, async functions, Map/Set,
 * WeakMap, typed arrays and `Object.hasOwn` are there.
 *
 * A React Native app gets these from its platform instead: `console` from React Native itself,
 * `crypto.getRandomValues` from `react-native-get-random-values` (native CSPRNG), `TextEncoder`/
 * `TextDecoder` from a polyfill such as `fast-text-encoding` (docs/holder-sdk.md, "React Native").
 * The UTF-8 codec below is a small stand-in with the same behaviour for valid input.
 *
 * The random source here is for the benchmark only: Hermes' CLI has no entropy source, so the
 * Node side passes 32 random bytes and this expands them with SHA-256 in counter mode. It is never
 * part of the SDK.
 */
import { sha256 } from '@noble/hashes/sha2.js';

type Global = Record<string, unknown>;
const g = globalThis as unknown as Global;

/** UTF-8 encoder with the WHATWG TextEncoder surface privid uses (`encode`). */
class Utf8Encoder {
  readonly encoding = 'utf-8';
  encode(text = ''): Uint8Array {
    const out: number[] = [];
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        } else c = 0xfffd;
      } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return Uint8Array.from(out);
  }
}

/** UTF-8 decoder (`decode`, with `fatal`), the TextDecoder surface privid uses. */
class Utf8Decoder {
  readonly encoding = 'utf-8';
  readonly fatal: boolean;
  constructor(_label = 'utf-8', options: { fatal?: boolean } = {}) {
    this.fatal = options.fatal === true;
  }
  decode(input?: Uint8Array | ArrayBuffer): string {
    const bytes = input === undefined ? new Uint8Array(0) : input instanceof Uint8Array ? input : new Uint8Array(input);
    let out = '';
    for (let i = 0; i < bytes.length;) {
      const b = bytes[i]!;
      let need = 0;
      let c = 0;
      let min = 0;
      if (b < 0x80) {
        out += String.fromCharCode(b);
        i++;
        continue;
      } else if (b >= 0xc2 && b <= 0xdf) [need, c, min] = [1, b & 0x1f, 0x80];
      else if (b >= 0xe0 && b <= 0xef) [need, c, min] = [2, b & 0x0f, 0x800];
      else if (b >= 0xf0 && b <= 0xf4) [need, c, min] = [3, b & 0x07, 0x10000];
      else need = -1;
      let ok = need > 0 && i + need < bytes.length + 1;
      for (let k = 1; ok && k <= need; k++) {
        const n = bytes[i + k];
        if (n === undefined || (n & 0xc0) !== 0x80) ok = false;
        else c = (c << 6) | (n & 63);
      }
      if (!ok || c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        if (this.fatal) throw new TypeError('The encoded data was not valid utf-8');
        out += '\ufffd';
        i++;
        continue;
      }
      out += String.fromCodePoint(c);
      i += need + 1;
    }
    return out;
  }
}

/**
 * Installs the polyfills that are missing. `seed` feeds the benchmark-only random source. Runs on
 * import, before any privid module (they use TextEncoder at load), as a React Native app imports
 * `react-native-get-random-values` first.
 */
function installPolyfills(seed: Uint8Array): void {
  if (typeof g.TextEncoder !== 'function') g.TextEncoder = Utf8Encoder;
  if (typeof g.TextDecoder !== 'function') g.TextDecoder = Utf8Decoder;
  if (typeof g.console !== 'object' && typeof g.print === 'function') {
    const print = g.print as (...args: unknown[]) => void;
    g.console = { log: print, info: print, warn: print, error: print, debug: print };
  }
  if (typeof (Array.prototype as { at?: unknown }).at !== 'function') {
    Object.defineProperty(Array.prototype, 'at', {
      configurable: true,
      writable: true,
      value: function at(this: unknown[], index: number) {
        const i = Math.trunc(index) || 0;
        return this[i < 0 ? this.length + i : i];
      },
    });
  }
  const crypto = g.crypto as { getRandomValues?: unknown } | undefined;
  if (typeof crypto?.getRandomValues !== 'function') {
    let counter = 0;
    const key = Uint8Array.from(seed);
    g.crypto = {
      getRandomValues<T extends ArrayBufferView>(array: T): T {
        const out = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
        for (let o = 0; o < out.length; o += 32) {
          const block = new Uint8Array(key.length + 8);
          block.set(key);
          new DataView(block.buffer).setFloat64(key.length, counter++);
          out.set(sha256(block).subarray(0, Math.min(32, out.length - o)), o);
        }
        return array;
      },
    };
  }
}

const seedText = (globalThis as { __PRIVID_BENCH?: { fixtures: { seed: string } } }).__PRIVID_BENCH?.fixtures.seed;
installPolyfills(seedFromBase64url(seedText ?? ''));

/** base64url without the SDK (it is not loaded yet). */
function seedFromBase64url(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of text) {
    buffer = (buffer << 6) | alphabet.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  if (out.length < 32) throw new Error('the benchmark needs a 32-byte seed for its random source');
  return Uint8Array.from(out);
}
