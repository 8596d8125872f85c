// The embedded data directory with real processes: a second process on the same folder refuses to
// start and names the holder; a lock left by kill -9 is taken over; damaged and read-only folders
// fail at start with the file at fault and what to do, not PGlite's "Aborted()".
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { openDatabase } from '../../../src/server/db/database.js';
import { DataDirError } from '../../../src/server/db/data-dir-check.js';
import { migrate } from '../../../src/server/db/migrate.js';
import { DataDirLockedError, lockPathOf } from '../../../src/server/db/data-dir-lock.js';
import { ROOT, spawnServer, type ServerProcess } from '../support/process.js';

const KEK = randomBytes(32).toString('base64');
const started: ServerProcess[] = [];
let scratch: string;

function server(dataDir: string, options: { uid?: number; gid?: number } = {}): ServerProcess {
  const p = spawnServer({ PRIVID_DATA_DIR: dataDir, PRIVID_KEK: KEK }, options);
  started.push(p);
  return p;
}

/** A data folder (PRIVID_DATA_DIR) with a migrated embedded database in it, as a first start leaves it. */
async function initialised(name: string): Promise<string> {
  const dataDir = join(scratch, name);
  const db = await openDatabase(`pglite:${join(dataDir, 'pglite')}`);
  await migrate(db);
  await db.close();
  return dataDir;
}

// Starting a server process takes over a minute on a loaded two-core machine.
const STARTUP_MS = 240_000;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'privid-data-dir-'));
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop('SIGKILL')));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('one process per embedded data directory', () => {
  it('refuses a second process, naming the holder; takes over the lock after kill -9', async () => {
    const dataDir = join(scratch, 'shared');
    const a = server(dataDir);
    expect(await a.started(STARTUP_MS), a.stderr()).toBe(true);
    const lockFile = lockPathOf(join(dataDir, 'pglite'));
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: a.pid, host: hostname() });

    const b = server(dataDir);
    expect(await b.exited).toBe(1);
    expect(b.stderr()).toContain(`is in use by process ${a.pid} on this host, started 20`);
    expect(b.stderr()).toContain(lockFile);
    // A still serves.
    expect((await fetch(`${a.url()}/readyz`)).status).toBe(200);

    // kill -9 leaves the lock file behind, naming a process that no longer runs.
    expect(await a.stop('SIGKILL')).toBe(null);
    expect(existsSync(lockFile)).toBe(true);
    const c = server(dataDir);
    expect(await c.started(STARTUP_MS), c.stderr()).toBe(true);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: c.pid });
    expect((await fetch(`${c.url()}/readyz`)).status).toBe(200);
    expect(await c.stop('SIGTERM')).toBe(0);
    // A clean stop removes the lock.
    expect(existsSync(lockFile)).toBe(false);
  }, 900_000);

  it('refuses a second open in the same process, and allows it once the first is closed', async () => {
    const dataDir = join(scratch, 'in-process', 'pglite');
    const first = await openDatabase(`pglite:${dataDir}`);
    try {
      await expect(openDatabase(`pglite:${dataDir}`)).rejects.toThrow(DataDirLockedError);
      await expect(openDatabase(`pglite:${dataDir}`)).rejects.toThrow(`in use by process ${process.pid}`);
    } finally {
      await first.close();
    }
    const again = await openDatabase(`pglite:${dataDir}`);
    await again.close();
  }, 120_000);
});

describe('damaged and read-only data directories', () => {
  it('names a damaged global/pg_control and says what to do', async () => {
    const dataDir = await initialised('bad-control');
    const control = join(dataDir, 'pglite', 'global', 'pg_control');
    const bytes = readFileSync(control);
    for (let i = 16; i < 64; i++) bytes[i] = bytes[i]! ^ 0x5a;
    writeFileSync(control, bytes);
    const p = server(dataDir);
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toContain(`${control} is damaged (its checksum does not match)`);
    expect(p.stderr()).toContain('restore the folder from a backup');
    expect(p.stderr()).not.toContain('Aborted');
  }, 900_000);

  it('names a truncated pg_control, a damaged PG_VERSION, and a folder that is not a database (in process)', async () => {
    const dataDir = join(await initialised('bad-version'), 'pglite');
    const version = join(dataDir, 'PG_VERSION');
    const good = readFileSync(version);
    writeFileSync(version, 'garbage');
    await expect(openDatabase(`pglite:${dataDir}`)).rejects.toThrow(`${version} is damaged`);
    writeFileSync(version, good);

    const control = join(dataDir, 'global', 'pg_control');
    const intact = readFileSync(control);
    writeFileSync(control, intact.subarray(0, 100));
    await expect(openDatabase(`pglite:${dataDir}`)).rejects.toThrow(
      `${control} is damaged (100 bytes instead of 8192)`,
    );
    writeFileSync(control, intact);
    // Restored, it opens again (so the checks above refused for the damage, not for the folder).
    await (await openDatabase(`pglite:${dataDir}`)).close();

    const other = join(scratch, 'not-a-database');
    await mkdir(other, { recursive: true });
    writeFileSync(join(other, 'notes.txt'), 'hello');
    await expect(openDatabase(`pglite:${other}`)).rejects.toThrow(DataDirError);
    await expect(openDatabase(`pglite:${other}`)).rejects.toThrow('is not an embedded privid database');
  }, 900_000);

  it('says a read-only folder is not writable, by whom, and what to do', async () => {
    // The server runs as nobody from this checkout: every folder above it must let nobody through
    // (a checkout under `mktemp -d` is 0700). Opened for this test, restored after it.
    const restore: [string, number][] = [];
    for (let dir = dirname(ROOT); dir !== dirname(dir); dir = dirname(dir)) {
      const mode = (await stat(dir)).mode & 0o7777;
      if ((mode & 0o001) === 0) {
        restore.push([dir, mode]);
        await chmod(dir, mode | 0o001);
      }
    }
    try {
      await readOnlyFolderIsNamed();
    } finally {
      for (const [dir, mode] of restore) await chmod(dir, mode);
    }
  }, 900_000);

  async function readOnlyFolderIsNamed(): Promise<void> {
    const dataDir = await initialised('read-only');
    // Root may write anywhere: the server runs as nobody on a database folder nobody may only read
    // (beside it, where the lock file goes, nobody may write).
    await chmod(scratch, 0o755);
    await chown(dataDir, 65534, 65534);
    await chown(join(dataDir, 'pglite'), 0, 0);
    await chmod(join(dataDir, 'pglite'), 0o555);
    const p = server(dataDir, { uid: 65534, gid: 65534 });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/pglite is not writable \((EACCES|EROFS|EPERM)\)/);
    expect(p.stderr()).toContain('uid 65534');
    expect(p.stderr()).not.toContain('Aborted');
  }
});
