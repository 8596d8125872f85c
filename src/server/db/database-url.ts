import { resolve } from 'node:path';

/** Where the data lives, as chosen by a database URL. */
export type DatabaseTarget =
  /** Embedded PostgreSQL (PGlite) in this process: persisted to dataDir, or in memory when dataDir is undefined. */
  | { kind: 'pglite'; dataDir: string | undefined }
  /** A PostgreSQL server. */
  | { kind: 'postgres'; connectionString: string };

/**
 * Reads a database URL:
 * - `pglite:<folder>` — PGlite persisted to that folder (relative to the working directory);
 * - `pglite:` or `pglite:memory` — PGlite in memory, gone when the process exits (tests, demos);
 * - `postgresql://...` or `postgres://...` — a PostgreSQL server (production).
 *
 * A folder literally named "memory" can still be used as `pglite:./memory`.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('pglite:')) {
    const location = url.slice('pglite:'.length);
    const inMemory = location === '' || location === 'memory';
    return { kind: 'pglite', dataDir: inMemory ? undefined : resolve(location) };
  }
  if (url.startsWith('postgresql://') || url.startsWith('postgres://')) {
    return { kind: 'postgres', connectionString: url };
  }
  // Only the scheme is repeated: the rest of a URL may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(none)';
  throw new Error(
    `Unsupported database URL scheme ${scheme}: use pglite:<folder>, pglite:memory, postgresql:// or postgres://`,
  );
}
