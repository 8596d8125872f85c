/**
 * One process per embedded data directory. PGlite has no postmaster.pid of its own: two processes
 * opening the same folder each run their own PostgreSQL on the same files, see none of each other's
 * writes, and lose acknowledged ones. So the folder gets a lock file beside it (`<dataDir>.lock`),
 * created exclusively (O_EXCL), naming its holder: process id, host name and start time.
 *
 * A lock left by a process that died (kill -9, power loss) is stale: on the same host, when no
 * process with that id runs, it is taken over; that check-and-replace is itself serialized by a
 * second exclusive file, so two processes finding the same stale lock cannot both take it. A lock
 * from another host (a shared volume) is never taken over: this host cannot see that process.
 * A live process with the recorded id that is not privid keeps the lock held (the safe direction);
 * the message says which file to delete once the operator has checked.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly token: string;
}

/** The data directory is in use, or its lock cannot be taken; the message names the holder. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
}

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file if it is still this process's. */
  release(): void;
}

/** Lock files this process holds: a second open in the same process is refused like any other. */
const heldHere = new Set<string>();

export function lockPathOf(dataDir: string): string {
  return `${dataDir}.lock`;
}

/** Takes the lock of an embedded data directory, or throws DataDirLockedError naming its holder. */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = lockPathOf(dataDir);
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    token: randomBytes(16).toString('hex'),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(path, me)) return held(path, me);
    const holder = readHolder(path);
    if (holder === 'missing') continue;
    if (holder === 'unreadable' || !isStale(path, holder)) throw lockedError(dataDir, path, holder);
    takeOverStale(path, holder);
  }
  throw new DataDirLockedError(`cannot take the lock ${path}: it keeps changing; is another privid starting?`);
}

function held(path: string, me: LockHolder): DataDirLock {
  heldHere.add(path);
  const release = () => {
    if (!heldHere.delete(path)) return;
    const current = readHolder(path);
    if (typeof current === 'object' && current.token === me.token) unlinkQuietly(path);
  };
  // A crash by an exception still runs exit handlers; kill -9 does not, which is what staleness is for.
  process.once('exit', release);
  return { path, release };
}

/** Creates the file only if it does not exist, with the holder in it; false if it exists. */
function createExclusive(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new DataDirLockedError(
      `cannot create the lock file ${path}: the folder is not writable ` +
        `(${(error as NodeJS.ErrnoException).code ?? String(error)}); give the user running privid ` +
        `(uid ${process.getuid?.() ?? '?'}) write access to it, or mount it read-write`,
    );
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(path: string): LockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (
      typeof parsed.pid === 'number' &&
      typeof parsed.host === 'string' &&
      typeof parsed.startedAt === 'string' &&
      typeof parsed.token === 'string'
    ) {
      return parsed as LockHolder;
    }
  } catch {
    // An empty or half-written file: a process died between creating and writing it, or is writing.
  }
  return 'unreadable';
}

function isStale(path: string, holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  // Our own id: another open in this process holds it; otherwise it is a previous run of a process that
  // got the same id (a restarted container's process is often pid 1 again).
  if (holder.pid === process.pid) return !heldHere.has(path);
  return !processRuns(holder.pid);
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Replaces a stale lock, one process at a time: under `<lock>.takeover` (itself exclusive), the lock
 * is read again and removed only if it is still the stale one. A takeover file left by a process
 * that died during these few steps is itself stale and removed the same way.
 */
function takeOverStale(path: string, stale: LockHolder): void {
  const guard = `${path}.takeover`;
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token: '' };
  if (!createExclusive(guard, me)) {
    const other = readHolder(guard);
    if (typeof other === 'object' && other.host === hostname() && !processRuns(other.pid)) unlinkQuietly(guard);
    return;
  }
  try {
    const current = readHolder(path);
    if (typeof current === 'object' && current.token === stale.token) unlinkQuietly(path);
  } finally {
    unlinkQuietly(guard);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function lockedError(dataDir: string, path: string, holder: LockHolder | 'unreadable'): DataDirLockedError {
  if (holder === 'unreadable') {
    return new DataDirLockedError(
      `the embedded database ${dataDir} is locked by ${path}, which cannot be read: if no privid process uses ` +
        'this folder, delete that file and start again',
    );
  }
  const where = holder.host === hostname() ? 'on this host' : `on host ${holder.host}`;
  return new DataDirLockedError(
    `the embedded database ${dataDir} is in use by process ${holder.pid} ${where}, started ${holder.startedAt} ` +
      `(lock file ${path}). Only one process may open an embedded database: stop that one, or use PostgreSQL ` +
      '(DATABASE_URL=postgresql://...) to run several. If that process is not privid, delete the lock file.',
  );
}
