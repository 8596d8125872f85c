// Every SDK entry point (packages/sdk/package.json's exports) must bundle for its platform with
// the SDK's own pure-JS dependencies only: no Node built-in (except the Node-only
// privid/holder/node), no WASM, no server code or server dependency. esbuild with platform
// 'browser' errors on `node:` imports; the metafile (every bundled file and import) and the
// output are scanned too. The opt-in WASM suite (privid/bbs/legacy) must be caught by the same
// check, which shows that the check can fail.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  bundleEntry,
  impurities,
  NODE_ONLY_ENTRIES,
  OPT_IN_ENTRIES,
  sdkEntryPoints,
  type SdkEntry,
} from '../../scripts/lib/sdk-bundle.mjs';

const entries = sdkEntryPoints();
const pure = entries.filter((entry) => !OPT_IN_ENTRIES.has(entry.name));

function entry(name: string): SdkEntry {
  const found = entries.find((e) => e.name === name);
  if (!found) throw new Error(`no SDK entry ${name}`);
  return found;
}

describe('SDK entry points bundle without Node built-ins, WASM or server dependencies', () => {
  it('covers the documented entry points', () => {
    expect(entries.map((e) => e.name).sort()).toEqual(
      [
        'privid/bbs',
        'privid/bbs/generator-constants',
        'privid/bbs/legacy',
        'privid/credential',
        'privid/holder',
        'privid/holder/indexeddb',
        'privid/holder/node',
        'privid/verifier',
      ].sort(),
    );
    expect(entries.filter((e) => e.platform === 'node').map((e) => e.name)).toEqual([...NODE_ONLY_ENTRIES]);
  });

  it.each(pure.map((e) => [e.name, e] as const))('%s', async (_name, sdkEntry) => {
    const result = await bundleEntry(sdkEntry, { minify: false });
    expect(result.errors).toEqual([]);
    expect(result.warnings.filter((w) => /node|built-in|require|wasm/i.test(w))).toEqual([]);
    expect(impurities(sdkEntry, result.metafile!)).toEqual([]);
    if (sdkEntry.platform === 'browser') {
      expect(result.code).not.toMatch(
        /from\s*["']node:|require\(\s*["'](node:)?(fs|crypto|path|os|child_process)["']\)/,
      );
    }
    expect(result.code).not.toMatch(/WebAssembly\.(instantiate|compile)/);
    // Wallet pages run under a strict Content Security Policy: no code from strings.
    if (sdkEntry.platform === 'browser') expect(result.code).not.toMatch(/\bnew Function\b|\beval\(/);
  });

  // Issue #10 asks for 60 kB. The holder was 61.9 kB once the generator constants became the opt-in
  // privid/bbs/generator-constants (about 15 kB gzipped then, 30 kB with the predicate generators, for Hermes builds); since then it also proves
  // predicates over hidden attributes (aggregated Bulletproofs, issue #11) and authenticates a venue's
  // signed request (ES256 over P-256, issue #8): 78.3 kB. The budget is what is true now with a small
  // margin, so that growth shows; the README states the figure and that the 60 kB goal is not met.
  it('privid/holder is at most 80 KiB minified and gzipped, and ships no TypeBox and no generator constants', async () => {
    const result = await bundleEntry(entry('privid/holder'));
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.filter((p) => /typebox|src\/credential\/formats\.ts/.test(p))).toEqual([]);
    expect(inputs.filter((p) => /src\/bbs\/generator-constants\.ts/.test(p))).toEqual([]);
    expect(gzipSync(result.code).length).toBeLessThanOrEqual(80 * 1024);
  });

  it('privid/verifier ships no TypeBox: trust lists are checked with the generated JSON Schema', async () => {
    const result = await bundleEntry(entry('privid/verifier'), { minify: false });
    const inputs = Object.keys(result.metafile!.inputs);
    expect(
      inputs.filter((p) => /typebox|src\/credential\/formats\.ts|src\/verifier\/trust-list-schema\.ts/.test(p)),
    ).toEqual([]);
    expect(inputs.some((p) => p.endsWith('src/verifier/generated/trust-list-schema.ts'))).toBe(true);
  });

  it('privid/bbs/generator-constants is what brings the constants in', async () => {
    const result = await bundleEntry(entry('privid/bbs/generator-constants'), { minify: false });
    expect(Object.keys(result.metafile!.inputs).some((p) => p.endsWith('src/bbs/generator-constants.ts'))).toBe(true);
  });

  it('privid/holder contains the wallet and nothing of the Node-only or WASM corners', async () => {
    const result = await bundleEntry(entry('privid/holder'), { minify: false });
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.some((p) => p.includes('src/holder/wallet.ts'))).toBe(true);
    expect(inputs.filter((p) => /src\/holder\/node\/|bbs\/legacy|@mattrglobal|pairing-crypto/.test(p))).toEqual([]);
  });

  it('the check can fail: the opt-in WASM suite is reported, and the Node-only entry does not bundle for a browser', async () => {
    for (const [name, peer] of OPT_IN_ENTRIES) {
      // As a Node bundle (in a browser it does not even resolve: the WASM glue wants `crypto`).
      const asNode = { ...entry(name), platform: 'node' as const };
      const result = await bundleEntry(asNode, { minify: false });
      expect(result.errors).toEqual([]);
      expect(impurities(asNode, result.metafile!).join('\n')).toContain(`not an SDK dependency: ${peer}`);
    }
    const asBrowser = await bundleEntry({ ...entry('privid/holder/node'), platform: 'browser' }, { minify: false });
    expect(asBrowser.errors.join('\n')).toMatch(/node:/);
  });
});
