// Types of schema-engine.mjs, for the TypeScript tests that drive Prisma's engine.
import type { PGlite } from '@electric-sql/pglite';
import type { MigrationList, SchemaEngine, SchemaFilter, SchemasContainer } from '@prisma/schema-engine-wasm';

export declare const schemaPath: string;
export declare const migrationsDir: string;
export declare const noFilters: SchemaFilter;

export declare function readMigrationsList(dir?: string): Promise<MigrationList>;
export declare function lockfileContent(connectorType: string): string;
export declare function readSchemaFiles(path?: string): Promise<SchemasContainer>;

export interface OfflineSchemaEngine {
  engine: SchemaEngine;
  /** The main database, for callers that want to look at what the engine did. */
  database: PGlite;
  close(): Promise<void>;
}

export declare function openSchemaEngine(options?: {
  schemaFile?: string;
  onLog?: (line: string) => void;
}): Promise<OfflineSchemaEngine>;
