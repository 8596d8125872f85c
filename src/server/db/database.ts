import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

import { checkDataDir, DataDirError, openFailure } from './data-dir-check.js';
import { lockDataDir } from './data-dir-lock.js';
import { parseDatabaseUrl } from './database-url.js';
import { PrismaClient } from './generated/client.js';
import { pgliteSession, pgSession, type SqlSession } from './sql-session.js';

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly prisma: PrismaClient;
  /**
   * Runs fn on one dedicated connection, for plain SQL that Prisma Client cannot run (see SqlSession).
   * If fn throws, a PostgreSQL connection is discarded rather than reused, dropping any lock it still holds.
   */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Disconnects Prisma and closes PGlite or ends the pg pool: until then the process cannot exit. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * Called when an idle PostgreSQL connection fails (e.g. the server restarted). pg then drops that
   * connection and opens a new one on the next query, so this is for logging; without a listener pg's
   * 'error' event would crash the process. Defaults to ignoring the error.
   */
  onIdleConnectionError?: (error: Error) => void;
}

/**
 * Opens the database a URL names (see parseDatabaseUrl) and a Prisma client on it. It does not migrate:
 * call migrate() from ./migrate.js before serving requests.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  return target.kind === 'pglite'
    ? openPGlite(target.dataDir)
    : openPostgres(target.connectionString, options.onIdleConnectionError ?? (() => undefined));
}

async function openPGlite(dataDir: string | undefined): Promise<Database> {
  if (dataDir === undefined) return pgliteDatabase(await PGlite.create({}), () => undefined);
  // PGlite creates its data folder but not the folders above it.
  await mkdir(dirname(dataDir), { recursive: true }).catch((error: unknown) => {
    throw new DataDirError(
      `cannot create the folder ${dirname(dataDir)} (${(error as NodeJS.ErrnoException).code ?? String(error)}): ` +
        'the user running privid needs write access there',
    );
  });
  // One process per folder (see data-dir-lock.ts), and a folder PGlite cannot use is named before PGlite
  // tries (see data-dir-check.ts).
  const lock = lockDataDir(dataDir);
  try {
    checkDataDir(dataDir);
    const db = await PGlite.create({ dataDir }).catch((error: unknown) => {
      checkDataDir(dataDir);
      throw openFailure(dataDir, error);
    });
    return pgliteDatabase(db, () => lock.release());
  } catch (error) {
    lock.release();
    throw error;
  }
}

function pgliteDatabase(db: PGlite, release: () => void): Database {
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return {
    kind: 'pglite',
    prisma,
    withSession: (fn) => fn(pgliteSession(db)),
    async close() {
      try {
        await prisma.$disconnect();
        await db.close();
      } finally {
        release();
      }
    },
  };
}

function openPostgres(connectionString: string, onIdleConnectionError: (error: Error) => void): Database {
  // One pool for Prisma and for withSession, so that the process has a single set of connections to end.
  const pool = new pg.Pool({ connectionString });
  pool.on('error', onIdleConnectionError);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: 'postgres',
    prisma,
    async withSession(fn) {
      const client = await pool.connect();
      let failed = true;
      try {
        const result = await fn(pgSession(client));
        failed = false;
        return result;
      } finally {
        // release(true) destroys the connection instead of returning it to the pool.
        client.release(failed);
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
