/**
 * Builds the benchmark's SDK bundle the way a React Native release build does, and runs it.
 *
 * 1. esbuild bundles bench/hermes/runner.ts (privid/holder, privid/verifier, privid/credential,
 *    privid/bbs and @noble) for the browser, target ES2020: BigInt literals and `**` stay.
 * 2. @swc/core lowers classes, class fields and private members to ES5 functions and WeakMaps, as
 *    React Native's Babel preset does for Hermes; nothing else is lowered (in particular not `**`,
 *    which would become Math.pow and break BigInt).
 * 3. Per run, the parameters are prepended and Hermes compiles the script to bytecode
 *    (`hermes -emit-binary -O`), as a release build ships it: the run then measures execution,
 *    not parsing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { transform } from '@swc/core';
import type { RunParams, RunResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The Hermes CLI binary of the hermes-engine-cli devDependency (linux x64). */
export function hermesBinary(): string {
  const pkg = require.resolve('hermes-engine-cli/package.json');
  const folder = process.platform === 'darwin' ? 'osx-bin' : process.platform === 'win32' ? 'win64-bin' : 'linux64-bin';
  return join(dirname(pkg), folder, process.platform === 'win32' ? 'hermes.exe' : 'hermes');
}

export function hermesVersion(): string {
  const out = spawnSync(hermesBinary(), ['-version'], { encoding: 'utf8' });
  if (out.error) throw out.error;
  return /Hermes release version: (\S+)/.exec(out.stdout)?.[1] ?? 'unknown';
}

export interface Bundles {
  /** The esbuild bundle as Node runs it (classes kept). */
  readonly node: string;
  /** The same, classes lowered for Hermes. */
  readonly hermes: string;
}

export async function buildBundles(entry = join(here, 'runner.ts')): Promise<Bundles> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: false,
    logLevel: 'silent',
  });
  const node = result.outputFiles[0]!.text;
  const lowered = await transform(node, {
    jsc: { parser: { syntax: 'ecmascript' } },
    env: {
      targets: { chrome: '100' },
      include: [
        'transform-classes',
        'transform-class-properties',
        'transform-private-methods',
        'transform-unicode-property-regex',
        'transform-async-to-generator',
        'transform-block-scoping',
      ],
    },
    isModule: false,
  });
  return { node, hermes: expandLeftoverPropertyEscapes(lowered.code) };
}

/**
 * swc 1.16 expands Unicode property escapes (`\p{...}`, which Hermes 0.12 rejects) only for the
 * scripts its tables know: in typebox's IDNA patterns `\p{Script=Syriac}`, `Thaana` and `Mandaic`
 * are left inside `RegExp("[...]", "u")` strings. Expand those from Node's own Unicode tables, as
 * Babel's transform-unicode-property-regex would. Only the in-class form occurs; anything else fails
 * the build rather than shipping a pattern Hermes cannot compile.
 */
function expandLeftoverPropertyEscapes(code: string): string {
  const out = code.replace(/\\\\p\{([A-Za-z_=]+)\}/g, (_all, property: string) => {
    const test = new RegExp(`\\p{${property}}`, 'u');
    const ranges: string[] = [];
    const hex = (cp: number) =>
      cp > 0xffff ? `\\\\u{${cp.toString(16)}}` : `\\\\u${cp.toString(16).padStart(4, '0')}`;
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (!test.test(String.fromCodePoint(cp))) continue;
      let end = cp;
      while (end < 0x10ffff && test.test(String.fromCodePoint(end + 1))) end++;
      ranges.push(end === cp ? hex(cp) : `${hex(cp)}-${hex(end)}`);
      cp = end;
    }
    return ranges.join('');
  });
  if (/\\+[pP]\{/.test(out)) throw new Error('a Unicode property escape is left in the Hermes bundle');
  return out;
}

export interface Measured {
  readonly result: RunResult;
  /** User + system CPU seconds of the engine process, from the shell's `times`. */
  readonly cpuMs: number;
}

/** Prepends the run's parameters; for Hermes, compiles to bytecode. Returns the file to run. */
export function prepareRun(
  engine: 'hermes' | 'node',
  bundles: Bundles,
  params: RunParams,
  workDir: string,
  optimize = true,
): string {
  mkdirSync(workDir, { recursive: true });
  const name = `${params.scenario}-${params.iterations}`;
  const source = `globalThis.__PRIVID_BENCH = ${JSON.stringify(params)};\n${engine === 'hermes' ? bundles.hermes : bundles.node}`;
  const js = join(workDir, `${name}.${engine}.js`);
  writeFileSync(js, source);
  if (engine === 'node') return js;
  const hbc = join(workDir, `${name}.hbc`);
  const compiled = spawnSync(hermesBinary(), ['-emit-binary', optimize ? '-O' : '-O0', '-out', hbc, js], {
    encoding: 'utf8',
  });
  if (compiled.status !== 0) throw new Error(`hermes could not compile ${js}: ${compiled.stderr}`);
  return hbc;
}

/** Runs one prepared file in a fresh engine process and reads its CPU time from the shell. */
export function runFile(engine: 'hermes' | 'node', file: string): Measured {
  const command = engine === 'hermes' ? [hermesBinary(), '-Xes6-promise', file] : [process.execPath, file];
  // `times` prints the shell's own CPU time, then its children's: the engine's, to the millisecond.
  const out = spawnSync('bash', ['-c', '"$@"; status=$?; times; exit $status', 'bash', ...command], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (out.status !== 0) throw new Error(`${engine} failed (${out.status}): ${out.stderr}${out.stdout.slice(-2000)}`);
  const lines = out.stdout.trim().split('\n');
  const children = lines.pop()!;
  lines.pop(); // the shell's own line
  const resultLine = lines.filter((line) => line.startsWith('{')).pop();
  if (!resultLine) throw new Error(`${engine} printed no result: ${out.stdout}${out.stderr}`);
  const result = JSON.parse(resultLine) as RunResult & { error?: string };
  if (result.error) throw new Error(`${engine}: ${result.error}`);
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (seconds.length !== 2) throw new Error(`could not read times: ${children}`);
  return { result, cpuMs: (seconds[0]! + seconds[1]!) * 1000 };
}

export const defaultWorkDir = join(here, '..', '..', 'node_modules', '.cache', 'privid-hermes');
