// `npm run size`: what a wallet developer pays for the SDK.
//   1. the installed size of the SDK tarball's dependency tree: packs packages/sdk (building it),
//      installs the tarball into a fresh temporary project (install scripts on, registry cache
//      first) and adds up every file under node_modules;
//   2. each entry point bundled with esbuild for its platform, minified, raw and gzipped (what a
//      wallet's bundler ships; privid/bbs/legacy with its optional WASM peer is left out).
// `npm run size -- --bundles` skips the install (fast). README.md quotes the figures.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { bundleEntry, OPT_IN_ENTRIES, repoRoot, sdkDir, sdkEntryPoints } from './lib/sdk-bundle.mjs';

const run = promisify(execFile);
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

async function treeSize(dir) {
  let bytes = 0;
  let files = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = await treeSize(path);
      bytes += sub.bytes;
      files += sub.files;
    } else if (entry.isFile()) {
      bytes += (await stat(path)).size;
      files++;
    }
  }
  return { bytes, files };
}

async function installedSize() {
  const work = await mkdtemp(join(tmpdir(), 'privid-size-'));
  try {
    const packed = await run('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: sdkDir,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
    const app = join(work, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'size-probe', version: '1.0.0', private: true }));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, info.filename)], {
      cwd: app,
      env: { ...process.env, npm_config_ignore_scripts: 'false' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const modules = join(app, 'node_modules');
    const names = [];
    for (const entry of await readdir(modules)) {
      if (entry.startsWith('.')) continue;
      if (entry.startsWith('@')) for (const sub of await readdir(join(modules, entry))) names.push(`${entry}/${sub}`);
      else names.push(entry);
    }
    const rows = [];
    for (const name of names.sort()) rows.push({ name, ...(await treeSize(join(modules, name))) });
    return { tarball: info.size, unpacked: info.unpackedSize, rows, total: await treeSize(modules) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const bundlesOnly = process.argv.includes('--bundles');
console.log('privid SDK size (npm run size)');
console.log('');
console.log('entry point                    platform  minified    gzipped');
for (const entry of sdkEntryPoints()) {
  if (OPT_IN_ENTRIES.has(entry.name)) continue;
  const result = await bundleEntry(entry);
  if (result.errors.length > 0) throw new Error(`${entry.name}: ${result.errors.join('; ')}`);
  console.log(
    `${entry.name.padEnd(30)} ${entry.platform.padEnd(8)} ${kB(result.code.length).padStart(9)} ${kB(gzipSync(result.code).length).padStart(10)}`,
  );
}
// What a React Native (Hermes) wallet ships: privid/holder plus the opt-in generator constants.
{
  const combined = await build({
    stdin: {
      contents: [
        "export * from './src/holder/index.ts';",
        "export * from './src/bbs/install-generator-constants.ts';",
      ].join('\n'),
      resolveDir: repoRoot,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    minify: true,
    logLevel: 'silent',
  });
  const code = combined.outputFiles[0].text;
  console.log(
    `${'  holder + constants'.padEnd(30)} ${'browser'.padEnd(8)} ${kB(code.length).padStart(9)} ${kB(gzipSync(code).length).padStart(10)}  (a Hermes wallet: privid/holder with privid/bbs/generator-constants)`,
  );
}
if (!bundlesOnly) {
  const installed = await installedSize();
  console.log('');
  console.log(`npm install privid (the packed tarball, ${kB(installed.tarball)}) into a fresh project:`);
  for (const row of installed.rows)
    console.log(`  ${row.name.padEnd(22)} ${kB(row.bytes).padStart(10)}  ${row.files} files`);
  console.log(`  ${'total'.padEnd(22)} ${kB(installed.total.bytes).padStart(10)}  ${installed.rows.length} packages`);
}
