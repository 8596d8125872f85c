/**
 * Checks an embedded (PGlite) data directory before and after PGlite opens it, so that a folder it
 * cannot use fails at start with the file at fault and what to do, instead of PGlite's WASM
 * "Aborted(). Build with -sASSERTIONS" or "PGlite failed to initialize properly".
 *
 * What is checked: the folder (and its key files) can be written; PG_VERSION holds a version
 * number; global/pg_control is 8192 bytes with a valid CRC-32C (PostgreSQL stores the CRC of the
 * control data right after it; the check finds that position instead of hard-coding a version's
 * layout). A folder with no PG_VERSION is new (PGlite initialises it) unless it holds other files.
 */
import {
  accessSync,
  constants,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

export class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

const RESTORE =
  'restore the folder from a backup, or move it away to start with an empty database (the data in it is then gone from this server)';

/** Throws DataDirError if the folder cannot hold a database PGlite can open; the message says which file and what to do. */
export function checkDataDir(dataDir: string): void {
  if (!existsSync(dataDir)) return;
  checkWritable(dataDir);
  const version = join(dataDir, 'PG_VERSION');
  if (!existsSync(version)) {
    const others = readdirSync(dataDir).filter((name) => !name.startsWith('.privid'));
    if (others.length > 0) {
      throw new DataDirError(
        `${dataDir} is not an embedded privid database: it has files (${others.slice(0, 3).join(', ')}) but no ` +
          'PG_VERSION. Point DATABASE_URL or PRIVID_DATA_DIR at the database folder, or at an empty or new one.',
      );
    }
    return;
  }
  const text = readFileSync(version, 'utf8');
  if (!/^[0-9]{2}\n?$/.test(text)) {
    throw new DataDirError(`${version} is damaged (it should hold a PostgreSQL version number): ${RESTORE}`);
  }
  const control = join(dataDir, 'global', 'pg_control');
  if (!existsSync(control)) throw new DataDirError(`${control} is missing: ${RESTORE}`);
  const bytes = readFileSync(control);
  if (bytes.length !== 8192) {
    throw new DataDirError(`${control} is damaged (${bytes.length} bytes instead of 8192): ${RESTORE}`);
  }
  if (!hasValidControlCrc(bytes)) {
    throw new DataDirError(`${control} is damaged (its checksum does not match): ${RESTORE}`);
  }
}

/** What to say when PGlite fails on a folder that passed checkDataDir. */
export function openFailure(dataDir: string, error: unknown): DataDirError {
  const message = error instanceof Error ? error.message : String(error);
  return new DataDirError(
    `the embedded database in ${dataDir} cannot be opened (PGlite: ${message.split('\n')[0]}). Its control files ` +
      `are intact, so a relation or WAL file (under base/ or pg_wal/) is probably damaged: ${RESTORE}`,
    { cause: error },
  );
}

function checkWritable(dataDir: string): void {
  const probe = join(dataDir, `.privid-write-test-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    throw notWritable(dataDir, error);
  }
  for (const file of ['PG_VERSION', join('global', 'pg_control')]) {
    const path = join(dataDir, file);
    if (!existsSync(path)) continue;
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
    } catch (error) {
      throw notWritable(path, error);
    }
  }
  if (!statSync(dataDir).isDirectory()) throw new DataDirError(`${dataDir} is not a folder`);
}

function notWritable(path: string, error: unknown): DataDirError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new DataDirError(
    `${path} is not writable (${code}): the embedded database needs read-write access. Give the user running ` +
      'privid (uid ' +
      `${process.getuid?.() ?? '?'}) write access to the folder and its files, or mount it read-write.`,
  );
}

/** Whether some 4-aligned offset k holds CRC-32C(bytes[0..k]) little-endian, as pg_control does. */
export function hasValidControlCrc(bytes: Uint8Array): boolean {
  let crc = 0xffffffff;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The control data is a few hundred bytes; the rest of the 8 KiB page is zeros.
  for (let k = 0; k + 4 <= 1024; k += 4) {
    if (k >= 16 && (crc ^ 0xffffffff) >>> 0 === view.getUint32(k, true)) return true;
    for (let i = k; i < k + 4; i++) crc = CRC32C_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return false;
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();
