/**
 * `npm run openapi`: writes openapi/openapi.json from the routes themselves (the app built with
 * every role on an in-memory database). test/server/openapi.test.ts fails when the committed file
 * and the routes drift apart.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config.js';
import { buildServer } from './server.js';

/** The committed document, relative to the repository root. */
export const OPENAPI_PATH = 'openapi/openapi.json';

/** The OpenAPI document of every route of every role, as the running server describes it. */
export async function generateOpenApi(): Promise<Record<string, unknown>> {
  const config = loadConfig({
    DATABASE_URL: 'pglite:memory',
    PRIVID_ROLES: 'issuer,verifier',
    // Throwaway: nothing is signed, and no key file is written.
    PRIVID_KEK: randomBytes(32).toString('base64'),
    PRIVID_DATA_DIR: join(tmpdir(), 'privid-openapi'),
    PRIVID_PUBLIC_URL: 'https://privid.example',
    PRIVID_LOG_LEVEL: 'silent',
  });
  const server = await buildServer(config);
  try {
    return server.app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await server.close();
  }
}

/** The file's exact text: two-space JSON and a final newline. */
export function formatOpenApi(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

async function main(): Promise<void> {
  const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const path = join(root, OPENAPI_PATH);
  await writeFile(path, formatOpenApi(await generateOpenApi()));
  process.stdout.write(`wrote ${path}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`openapi: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
