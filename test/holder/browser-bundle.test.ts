// privid/holder must bundle for browsers and React Native: no Node built-ins, no WASM. esbuild
// with platform 'browser' errors on `node:` imports; the metafile and output are scanned too.
import { builtinModules } from 'node:module';
import { build, type BuildResult, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

async function bundle(
  entry: string,
): Promise<BuildResult<{ write: false; metafile: true }> | { errors: { text: string }[] }> {
  try {
    return await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
      // WASM or other binary loaders must never be needed.
      loader: { '.ts': 'ts' },
    });
  } catch (error) {
    return { errors: (error as { errors?: { text: string }[] }).errors ?? [{ text: String(error) }] };
  }
}

function nodeImportsIn(metafile: Metafile): string[] {
  const found: string[] = [];
  for (const [path, input] of Object.entries(metafile.inputs)) {
    if (path.startsWith('node:') || /\.wasm$/.test(path)) found.push(path);
    for (const imported of input.imports) {
      if (imported.path.startsWith('node:') || NODE_BUILTINS.has(imported.path) || /\.wasm$/.test(imported.path)) {
        found.push(`${path} -> ${imported.path}`);
      }
    }
  }
  return found;
}

describe('privid/holder browser bundle', () => {
  it('bundles src/holder/index.ts for the browser with no errors, no Node built-ins, no WASM', async () => {
    const result = await bundle('src/holder/index.ts');
    expect(result.errors.map((e) => e.text)).toEqual([]);
    if (!('metafile' in result)) throw new Error('no metafile');
    const nodeWarnings = result.warnings.filter((w) => /node|built-in|require/i.test(w.text));
    expect(nodeWarnings.map((w) => w.text)).toEqual([]);
    expect(nodeImportsIn(result.metafile)).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.includes('src/holder/wallet.ts'))).toBe(true);
    expect(
      inputs.filter((p) => /src\/holder\/node\/|src\/server\/|bbs\/legacy|@mattrglobal|pairing-crypto/.test(p)),
    ).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*["']node:|require\(\s*["'](node:)?(fs|crypto|path|os|child_process)["']\)/);
    expect(code).not.toMatch(/WebAssembly\.(instantiate|compile)/);
  });

  it('the check can fail: the Node-only entry does not bundle for the browser', async () => {
    const result = await bundle('src/holder/node/index.ts');
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors.map((e) => e.text).join('\n')).toMatch(/node:/);
  });
});
