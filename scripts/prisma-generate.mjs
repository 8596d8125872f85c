// Generates the Prisma client (src/server/db/generated) without network access.
//
// `prisma generate` needs no schema engine, but the CLI still resolves one at start-up and would try to
// download it. Pointing PRISMA_SCHEMA_ENGINE_BINARY at a stub (which only says that the engine is not
// available offline) keeps it from trying. Migrations have their own offline scripts: db-migration.mjs and
// db-drift-check.mjs.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');

const result = spawnSync(process.execPath, [prismaCli, 'generate', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: fileURLToPath(new URL('./schema-engine-stub.sh', import.meta.url)),
    // No update check or telemetry: both would only wait on hosts this machine cannot reach.
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
if (result.error) throw result.error;
process.exitCode = result.status ?? 1;
