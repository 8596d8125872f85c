// The SDK's entry points (from packages/sdk/package.json's exports map) and how each one bundles
// for its platform with esbuild. Shared by the purity test (test/holder/browser-bundle.test.ts)
// and `npm run size`, so that both look at the same bundles.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const sdkDir = fileURLToPath(new URL('../../packages/sdk/', import.meta.url));
export const sdkManifest = JSON.parse(
  readFileSync(new URL('../../packages/sdk/package.json', import.meta.url), 'utf8'),
);

/**
 * Node-only entries (they may import Node built-ins) and opt-in entries whose engine is an
 * optional peer dependency (WASM): every other entry must bundle for a browser with the SDK's
 * own dependencies only.
 */
export const NODE_ONLY_ENTRIES = new Set(['privid/holder/node']);
export const OPT_IN_ENTRIES = new Map([['privid/bbs/legacy', '@mattrglobal/bbs-signatures']]);

/** `[{ name: 'privid/holder', source: 'src/holder/index.ts', platform }]` from the exports map. */
export function sdkEntryPoints() {
  return Object.entries(sdkManifest.exports)
    .filter(([key]) => key !== './package.json')
    .map(([key, target]) => {
      const name = `privid/${key.slice(2)}`;
      const built = /** @type {{ default: string }} */ (target).default;
      const source = built.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
      return { name, source, platform: NODE_ONLY_ENTRIES.has(name) ? 'node' : 'browser' };
    });
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Bundles one entry minified, as a wallet app's bundler would; never throws on build errors. */
export async function bundleEntry(entry, options = {}) {
  try {
    const result = await build({
      entryPoints: [fileURLToPath(new URL(entry.source, `file://${repoRoot}`))],
      bundle: true,
      write: false,
      platform: entry.platform,
      format: 'esm',
      minify: options.minify ?? true,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: repoRoot,
      // Only TypeScript and JavaScript: a WASM or other binary loader is never configured.
      loader: { '.ts': 'ts' },
    });
    return {
      errors: [],
      warnings: result.warnings.map((w) => w.text),
      metafile: result.metafile,
      code: result.outputFiles[0].text,
    };
  } catch (error) {
    return {
      errors: (error.errors ?? [{ text: String(error) }]).map((e) => e.text),
      warnings: [],
      metafile: undefined,
      code: '',
    };
  }
}

/** The npm package a bundled file came from (`node_modules/@scope/name/...` → `@scope/name`). */
export function packageOf(path) {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  return match ? match[1] : undefined;
}

/**
 * What an entry must not pull: Node built-ins (unless Node-only), WASM, and any npm package that
 * is not a dependency of the SDK (a server dependency, or an optional peer).
 */
export function impurities(entry, metafile) {
  const allowed = new Set(Object.keys(sdkManifest.dependencies ?? {}));
  const found = [];
  for (const [path, input] of Object.entries(metafile.inputs)) {
    if (/\.wasm$/.test(path)) found.push(`WASM: ${path}`);
    if (/(^|\/)src\/server\//.test(path)) found.push(`server code: ${path}`);
    const pkg = packageOf(path);
    if (pkg !== undefined && !allowed.has(pkg)) found.push(`not an SDK dependency: ${pkg} (${path})`);
    for (const imported of input.imports) {
      const builtin = imported.path.startsWith('node:') || NODE_BUILTINS.has(imported.path);
      if (builtin && entry.platform !== 'node') found.push(`Node built-in: ${path} -> ${imported.path}`);
      if (/\.wasm$/.test(imported.path)) found.push(`WASM: ${path} -> ${imported.path}`);
    }
  }
  return [...new Set(found)];
}
