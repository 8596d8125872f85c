/**
 * Locates the IETF fixture folders. They live outside the repository (../shared/vectors by
 * default, PRIVID_VECTORS_DIR to override) and are read as data, never copied in.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VECTORS_DIR = resolve(process.env.PRIVID_VECTORS_DIR ?? join(repoRoot, '..', 'shared', 'vectors'));
/**
 * Whether one fixture folder (bbs-core, bbs-blind, bbs-pseudonyms) is there. Loud when it is not;
 * fatal when PRIVID_REQUIRE_VECTORS=1 (CI), where a missing folder is a broken checkout rather
 * than a reason to skip conformance.
 */
export function vectorsPresent(folder: string): boolean {
  const present = existsSync(join(VECTORS_DIR, folder));
  if (!present && process.env.PRIVID_REQUIRE_VECTORS === '1') {
    throw new Error(`IETF BBS test vectors required but ${folder} not found under ${VECTORS_DIR}`);
  }
  if (!present) {
    console.warn(
      `\n*** IETF BBS test vectors ${folder} NOT FOUND under ${VECTORS_DIR} ***\n` +
        '*** Their conformance tests are SKIPPED. Set PRIVID_VECTORS_DIR to the shared/vectors folder. ***\n',
    );
  }
  return present;
}

export const VECTORS_PRESENT = vectorsPresent('bbs-core');

export const SUITE_FOLDERS = {
  'BLS12-381-SHA-256': 'bls12-381-sha-256',
  'BLS12-381-SHAKE-256': 'bls12-381-shake-256',
} as const;

export function readVector<T = unknown>(...path: string[]): T {
  return JSON.parse(readFileSync(join(VECTORS_DIR, ...path), 'utf8')) as T;
}

/** The JSON files of one fixture folder, sorted by name; empty when the folder is absent. */
export function listVectors(...path: string[]): string[] {
  const dir = join(VECTORS_DIR, ...path);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export const hex = (value: string): Uint8Array => Uint8Array.from(Buffer.from(value, 'hex'));
export const toHex = (value: Uint8Array): string => Buffer.from(value).toString('hex');
