import { resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseDatabaseUrl } from '../../../src/server/db/database-url.js';

describe('parseDatabaseUrl', () => {
  it('reads pglite:<folder> as a PGlite folder relative to the working directory', () => {
    expect(parseDatabaseUrl('pglite:./data/pglite')).toEqual({ kind: 'pglite', dataDir: resolve('data/pglite') });
    expect(parseDatabaseUrl('pglite:/var/lib/privid')).toEqual({ kind: 'pglite', dataDir: '/var/lib/privid' });
  });

  it('reads pglite: and pglite:memory as an in-memory PGlite', () => {
    expect(parseDatabaseUrl('pglite:')).toEqual({ kind: 'pglite', dataDir: undefined });
    expect(parseDatabaseUrl('pglite:memory')).toEqual({ kind: 'pglite', dataDir: undefined });
    expect(parseDatabaseUrl('pglite:./memory')).toEqual({ kind: 'pglite', dataDir: resolve('memory') });
  });

  it('reads postgresql:// and postgres:// as a PostgreSQL server', () => {
    for (const url of ['postgresql://u:p@db:5432/privid', 'postgres://db/privid']) {
      expect(parseDatabaseUrl(url)).toEqual({ kind: 'postgres', connectionString: url });
    }
  });

  it('refuses other schemes without repeating the rest of the URL, which may hold a password', () => {
    expect(() => parseDatabaseUrl('mysql://root:hunter2@db/privid')).toThrow(/Unsupported database URL scheme mysql:/);
    expect(() => parseDatabaseUrl('mysql://root:hunter2@db/privid')).not.toThrow(/hunter2/);
    expect(() => parseDatabaseUrl('./data')).toThrow(/scheme \(none\)/);
  });
});
