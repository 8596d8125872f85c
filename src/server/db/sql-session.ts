import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * Plain SQL on one connection, for the few jobs Prisma Client cannot do: running multi-statement migration
 * scripts, and holding session-level advisory locks (which need the same connection from lock to unlock,
 * whereas Prisma may use any connection of its pool for each query).
 */
export interface SqlExecutor {
  /** Runs a script of one or more statements, without parameters. */
  exec(script: string): Promise<void>;
  /** Runs one statement with $1, $2, ... parameters and returns its rows, typed as the caller states. */
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface SqlSession extends SqlExecutor {
  /** Runs fn in a transaction: committed if fn resolves, rolled back (and the error rethrown) if it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/**
 * A session on a PGlite instance. PGlite has a single connection, shared with Prisma; its own transaction()
 * keeps other queries out until the transaction ends.
 *
 * Scripts run through PGlite itself, not through pglite-prisma-adapter, whose executeScript (0.7.2) does not
 * await the script and so loses its errors.
 */
export function pgliteSession(db: PGlite): SqlSession {
  return {
    ...pgliteExecutor(db),
    transaction: (fn) => db.transaction((tx) => fn(pgliteExecutor(tx))),
  };
}

function pgliteExecutor(db: PGlite | Transaction): SqlExecutor {
  return {
    async exec(script) {
      await db.exec(script);
    },
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await db.query<Row>(sql, params)).rows;
    },
  };
}

/** A session on one client checked out of a pg pool; the caller releases it. */
export function pgSession(client: pg.PoolClient): SqlSession {
  const executor: SqlExecutor = {
    async exec(script) {
      // Without parameters pg uses the simple query protocol, which accepts several statements at once.
      await client.query(script);
    },
    async query<Row>(sql: string, params: unknown[] = []) {
      // pg types rows as QueryResultRow; the caller states the shape its SQL selects.
      return (await client.query(sql, params)).rows as Row[];
    },
  };
  return {
    ...executor,
    async transaction(fn) {
      await client.query('BEGIN');
      try {
        const result = await fn(executor);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A ROLLBACK that fails means the connection is gone, which ends the transaction anyway; the error
        // worth reporting is the first one.
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
  };
}
