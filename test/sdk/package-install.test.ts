// The published SDK as a wallet developer gets it: `npm pack` packages/sdk, install the tarball
// into a fresh project with install scripts enabled (the registry only as CI has it, cache
// first), then import every entry point from plain Node ESM and from TypeScript (.mts and .cts,
// `moduleResolution: nodenext`), and check that nothing of the server came along.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SDK_DIR = join(import.meta.dirname, '../../packages/sdk');
const ROOT_DIR = join(import.meta.dirname, '../..');
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

interface Manifest {
  name: string;
  private?: boolean;
  scripts?: Record<string, string>;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const readManifest = async (dir: string): Promise<Manifest> =>
  JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Lifecycle scripts npm runs when a package is installed. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

/**
 * What each entry must export, checked at run time and in the TypeScript files. The WASM suite
 * (`privid/bbs/legacy`) is an opt-in entry: its engine is an optional peer dependency, so it is
 * checked separately (without the peer it must fail to load, naming the peer).
 */
const ENTRY_EXPORTS: Record<string, string[]> = {
  'privid/bbs': ['ietfSuite', 'BbsError'],
  'privid/bbs/generator-constants': ['installGeneratorConstants'],
  'privid/credential': ['parseCredentialOffer', 'builtinSchemaRegistry', 'verifyItem'],
  'privid/holder': ['Wallet', 'MemorySecretStore', 'MemoryCredentialStore'],
  'privid/holder/indexeddb': ['openIndexedDbStores'],
  'privid/holder/node': ['EncryptedFileSecretStore', 'EncryptedFileCredentialStore'],
  'privid/verifier': ['verifyPresentation'],
};
const OPTIONAL_ENTRY = 'privid/bbs/legacy';

/** Every package directory under node_modules (scoped and nested ones too), by name. */
async function installedPackages(nodeModules: string): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  async function walk(dir: string): Promise<void> {
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.startsWith('.')) continue;
      const names = entry.startsWith('@') ? (await readdir(join(dir, entry))).map((n) => `${entry}/${n}`) : [entry];
      for (const name of names) {
        const path = join(dir, name);
        found.set(name, [...(found.get(name) ?? []), path]);
        await walk(join(path, 'node_modules'));
      }
    }
  }
  await walk(nodeModules);
  return found;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

let work: string;
let app: string;
let tarball: string;
let sdk: Manifest;

beforeAll(async () => {
  sdk = await readManifest(SDK_DIR);
  work = await mkdtemp(join(tmpdir(), 'privid-sdk-'));
  // `npm pack` runs the package's prepack (the build), as `npm publish` would.
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: SDK_DIR,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[];
  tarball = join(work, info!.filename);
  app = join(work, 'wallet-app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'wallet-app', version: '1.0.0', private: true }));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: app,
    // Install scripts explicitly on, whatever the calling npm's configuration says.
    env: { ...process.env, npm_config_ignore_scripts: 'false', npm_config_foreground_scripts: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the SDK package (packages/sdk)', () => {
  it('is the public "privid" package; the repo root is the private server', async () => {
    expect(sdk.name).toBe('privid');
    expect(sdk.private).toBeUndefined();
    const root = await readManifest(ROOT_DIR);
    expect(root.private).toBe(true);
    expect(root.name).not.toBe('privid');
  });

  it('declares no install script, and only dependencies the server also pins, at the same versions', async () => {
    expect(Object.keys(sdk.scripts ?? {}).filter((s) => INSTALL_SCRIPTS.includes(s))).toEqual([]);
    const root = await readManifest(ROOT_DIR);
    for (const [name, version] of Object.entries(sdk.dependencies ?? {})) {
      expect({ name, version: root.dependencies?.[name] }).toEqual({ name, version });
    }
    for (const [name, version] of Object.entries(sdk.peerDependencies ?? {})) {
      expect(sdk.peerDependenciesMeta?.[name]?.optional, `${name} must be an optional peer`).toBe(true);
      expect({ name, version: root.dependencies?.[name] }).toEqual({ name, version });
    }
  });

  it('exports exactly the documented entry points', () => {
    const names = Object.keys(sdk.exports ?? {})
      .filter((key) => key !== './package.json')
      .map((key) => `privid/${key.slice(2)}`);
    expect(names.sort()).toEqual([...Object.keys(ENTRY_EXPORTS), OPTIONAL_ENTRY].sort());
  });
});

describe('installing the SDK tarball into a fresh project', () => {
  it('installs only the SDK and its pure-JS dependencies: no server package, no install script, no WASM or native code', async () => {
    const installed = await installedPackages(join(app, 'node_modules'));
    const allowed = new Set(['privid', ...Object.keys(sdk.dependencies ?? {})]);
    expect([...installed.keys()].filter((name) => !allowed.has(name))).toEqual([]);
    expect(installed.has('privid')).toBe(true);

    // The server's runtime dependencies (Prisma, PGlite, fastify, pino, pg, ...) that the SDK
    // does not declare: none may be installed, even nested.
    const root = await readManifest(ROOT_DIR);
    const serverOnly = Object.keys(root.dependencies ?? {}).filter((name) => !(name in (sdk.dependencies ?? {})));
    expect(serverOnly).toEqual(expect.arrayContaining(['fastify', 'pino', 'pg', '@prisma/client']));
    expect(serverOnly.filter((name) => installed.has(name))).toEqual([]);

    for (const [name, paths] of installed) {
      for (const path of paths) {
        const manifest = await readManifest(path);
        expect({
          name,
          installScripts: Object.keys(manifest.scripts ?? {}).filter((s) => INSTALL_SCRIPTS.includes(s)),
        }).toEqual({ name, installScripts: [] });
        const binaries = (await filesUnder(path)).filter((file) => /\.(wasm|node)$|binding\.gyp$/.test(file));
        expect(binaries).toEqual([]);
      }
    }
  });

  it('ships the built JavaScript and types, not the sources or the server', async () => {
    const files = (await filesUnder(join(app, 'node_modules/privid'))).map((f) =>
      f.slice(join(app, 'node_modules/privid').length + 1),
    );
    expect(files).toContain('dist/holder/index.js');
    expect(files).toContain('dist/holder/index.d.ts');
    expect(files.filter((f) => /^(src|test|scripts|prisma)\/|dist\/server\//.test(f))).toEqual([]);
    expect(files.filter((f) => !/^(dist\/|package\.json$|README\.md$)/.test(f))).toEqual([]);
    expect((await stat(tarball)).size).toBeGreaterThan(0);
  });

  it('every entry point imports from plain Node ESM; the WASM suite fails clearly without its optional peer', async () => {
    const lines = Object.entries(ENTRY_EXPORTS).map(
      ([entry, names]) =>
        `{ const m = await import(${JSON.stringify(entry)}); for (const n of ${JSON.stringify(names)}) if (m[n] === undefined) throw new Error(${JSON.stringify(entry)} + ' lacks ' + n); }`,
    );
    await writeFile(
      join(app, 'check.mjs'),
      [
        ...lines,
        // A real use, not only names: a BBS signature round trip on the default suite.
        `const { ietfSuite } = await import('privid/bbs');`,
        `const suite = ietfSuite('BLS12-381-SHA-256');`,
        `const { secretKey, publicKey } = await suite.keyPair(crypto.getRandomValues(new Uint8Array(32)));`,
        `const messages = [new TextEncoder().encode('hello')];`,
        `const signature = await suite.sign({ secretKey, publicKey, messages });`,
        `if (!(await suite.verify({ publicKey, signature, messages }))) throw new Error('signature does not verify');`,
        `try { await import(${JSON.stringify(OPTIONAL_ENTRY)}); throw new Error('legacy loaded without its peer'); }`,
        `catch (e) { if (e.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('@mattrglobal/bbs-signatures')) throw e; }`,
        // The internal ProofGen entry points that skip the signature checks are not reachable.
        `try { await import('privid/dist/bbs/interface.js'); throw new Error('internal module importable'); }`,
        `catch (e) { if (e.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw e; }`,
        `console.log('ok');`,
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: app });
    expect(stdout.trim()).toBe('ok');
  }, 120_000);

  it('type-checks and runs from .mts and .cts files under moduleResolution nodenext', async () => {
    const holder = Object.keys(ENTRY_EXPORTS).indexOf('privid/holder');
    const typed = (style: 'esm' | 'cjs') => {
      const imports = Object.entries(ENTRY_EXPORTS).map(
        ([entry, names], i) => `import { ${names.map((n) => `${n} as e${i}_${n}`).join(', ')} } from '${entry}';`,
      );
      const uses = Object.entries(ENTRY_EXPORTS).flatMap(([, names], i) =>
        names.map((n) => `if (e${i}_${n} === undefined) throw new Error('${n}');`),
      );
      return [
        ...imports,
        `import type { StoredCredential, SecretStore } from 'privid/holder';`,
        `import type { CredentialOffer } from 'privid/credential';`,
        ...uses,
        // The types are real, not \`any\`: these lines must not compile.
        `// @ts-expect-error: a SecretStore has no 'put'`,
        `const _bad: SecretStore = { put() {} };`,
        `// @ts-expect-error: acceptedAt is a number`,
        `const _record: Partial<StoredCredential> = { acceptedAt: 'yesterday' };`,
        `const _offer: CredentialOffer['suite'] = 'BLS12-381-SHA-256';`,
        `const wallet = new e${holder}_Wallet({ secrets: new e${holder}_MemorySecretStore() });`,
        style === 'esm'
          ? `console.log(typeof (await wallet.ensureHolderSecret()));`
          : `wallet.ensureHolderSecret().then((id) => console.log(typeof id));`,
        `void _bad; void _record; void _offer;`,
        `export {};`,
      ].join('\n');
    };
    await writeFile(join(app, 'check.mts'), typed('esm'));
    await writeFile(join(app, 'check.cts'), typed('cjs'));
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          types: [],
          strict: true,
          // The SDK's declarations are checked by `npm run typecheck` at the source; checking every
          // installed .d.ts again here takes minutes (TypeBox's types) and proves nothing more
          // about resolution. The @ts-expect-error lines below prove the types are real.
          skipLibCheck: true,
          outDir: 'out',
        },
        files: ['check.mts', 'check.cts'],
      }),
    );
    const compiled = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: app }).catch(
      (error: { stdout?: string }) => ({ stdout: `tsc failed:\n${error.stdout ?? String(error)}` }),
    );
    expect(compiled.stdout).toBe('');
    // Node 20.19+ loads the ESM-only SDK from CommonJS (require of ES modules).
    for (const file of ['out/check.mjs', 'out/check.cjs']) {
      const { stdout } = await run(process.execPath, [file], { cwd: app });
      expect({ file, out: stdout.trim() }).toEqual({ file, out: 'string' });
    }
  }, 600_000);
});
