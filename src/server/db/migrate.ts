// The start-up migration runner: applies the prisma/migrations/<name>/migration.sql files that the database
// has not seen yet, without any Prisma engine (none can be downloaded on this project's machines).
//
// It keeps Prisma's bookkeeping table, _prisma_migrations, as `prisma migrate deploy` does, so either tool
// can take over from the other. Unlike Prisma, it runs each migration in one transaction with its
// bookkeeping row: a migration that fails leaves neither a half-applied schema nor a row behind. (So a
// migration that cannot run in a transaction, such as CREATE INDEX CONCURRENTLY, is not supported.)
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Database } from './database.js';
import type { SqlExecutor, SqlSession } from './sql-session.js';

/** The migrations could not be applied; the message says which one and why. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export interface MigrateOptions {
  /** Defaults to the project's prisma/migrations (see findMigrationsDir). */
  migrationsDir?: string;
}

export interface MigrateResult {
  /** Names of the migrations this call applied, in order; empty when the database was up to date. */
  applied: string[];
}

/**
 * The same key as Prisma's own migrate commands (`SELECT pg_advisory_lock(72707369)`), so this runner,
 * another server process starting at the same time, and `prisma migrate deploy` all wait for each other.
 */
const MIGRATION_LOCK_KEY = 72707369;

/** Prisma's definition of its bookkeeping table on PostgreSQL, column for column. */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationFile {
  name: string;
  script: string;
  /** SHA-256 of the file, hex: what Prisma records and compares. */
  checksum: string;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished: boolean;
}

/** Brings the database up to date with the migrations folder. Safe to call on every start-up. */
export async function migrate(db: Pick<Database, 'withSession'>, options: MigrateOptions = {}): Promise<MigrateResult> {
  const files = await readMigrations(options.migrationsDir ?? findMigrationsDir());
  return db.withSession((session) =>
    withMigrationLock(session, async () => {
      // Read the history only once the lock is held: a process that waited finds the other's work done.
      await session.exec(CREATE_MIGRATIONS_TABLE);
      const pending = pendingMigrations(files, await appliedMigrations(session));
      for (const migration of pending) {
        await session
          .transaction((tx) => apply(tx, migration))
          .catch((error: unknown) => {
            throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${errorMessage(error)}`, {
              cause: error,
            });
          });
      }
      return { applied: pending.map((migration) => migration.name) };
    }),
  );
}

async function withMigrationLock<T>(session: SqlSession, fn: () => Promise<T>): Promise<T> {
  await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    // If the connection is what failed, this unlock fails too; the lock still goes, with the connection
    // that withSession discards after an error. Either way the error to report is fn's.
    await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    throw error;
  }
  await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  return result;
}

/**
 * The prisma/migrations folder of this project: the nearest one above this module, which finds it both
 * from src/server/db (tsx, vitest) and from a compiled or bundled dist/.
 */
export function findMigrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new MigrationError(`No prisma/migrations folder above ${fileURLToPath(import.meta.url)}`);
    }
    dir = parent;
  }
}

/** Reads every <name>/migration.sql, sorted by name as the timestamp prefixes intend. */
async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    // Code-point order, not localeCompare: the same on every machine whatever its locale.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(
    names.map(async (name) => {
      const path = join(migrationsDir, name, 'migration.sql');
      const bytes = await readFile(path).catch((error: unknown) => {
        throw new MigrationError(`Cannot read ${path}: ${errorMessage(error)}`, { cause: error });
      });
      return { name, script: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    }),
  );
}

async function appliedMigrations(session: SqlExecutor): Promise<MigrationRow[]> {
  // Rows marked rolled back are history that Prisma ignores, and so does this runner.
  return session.query<MigrationRow>(
    `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished
       FROM _prisma_migrations
      WHERE rolled_back_at IS NULL`,
  );
}

/**
 * The migrations still to apply. Refuses to go on when the recorded history cannot be trusted: when a
 * migration is recorded as failed (by `prisma migrate deploy`, which also refuses then), or when one was
 * edited after it was applied.
 */
function pendingMigrations(files: MigrationFile[], rows: MigrationRow[]): MigrationFile[] {
  const failed = rows.find((row) => !row.finished);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} is recorded as failed: repair the database, then mark it with ` +
        '`prisma migrate resolve --applied` or `--rolled-back` before starting again',
    );
  }
  const appliedChecksums = new Map(rows.map((row) => [row.migration_name, row.checksum]));
  for (const file of files) {
    const checksum = appliedChecksums.get(file.name);
    if (checksum !== undefined && checksum !== file.checksum) {
      throw new MigrationError(
        `Migration ${file.name} was modified after it was applied to this database: ` +
          'restore the applied version and put the change in a new migration',
      );
    }
  }
  return files.filter((file) => !appliedChecksums.has(file.name));
}

/** Runs one migration and records it the way Prisma does once a migration has finished. */
async function apply(tx: SqlExecutor, migration: MigrationFile): Promise<void> {
  await tx.exec(migration.script);
  // started_at is now(), the transaction's start; finished_at is the clock after the script ran.
  await tx.query(
    `INSERT INTO _prisma_migrations
       (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
     VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, now(), 1)`,
    [randomUUID(), migration.checksum, migration.name],
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
