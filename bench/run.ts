/**
 * `npm run bench`: the BBS benchmark, then the predicates benchmark, each in its own process (so
 * neither's warm caches or loaded WASM modules touch the other's figures), both with the same
 * arguments (`--quick`; `--json <file>` is the BBS benchmark's).
 */
import { spawnSync } from 'node:child_process';

for (const file of ['bench/bbs.bench.ts', 'bench/predicates.bench.ts']) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', file, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
