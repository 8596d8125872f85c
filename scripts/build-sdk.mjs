// Builds the SDK package (packages/sdk): compiles src/{bbs,credential,holder,verifier} to
// packages/sdk/dist with the repo's TypeScript. dist is emptied first, so that a module removed
// from src never lingers in a published tarball. Run by `npm pack` in packages/sdk (prepack).
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const sdk = fileURLToPath(new URL('../packages/sdk/', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

await rm(join(sdk, 'dist'), { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(sdk, 'tsconfig.json')], { stdio: 'inherit' });
if (result.error) throw result.error;
process.exitCode = result.status ?? 1;
