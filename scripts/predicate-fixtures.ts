/**
 * Writes test/fixtures/predicates/<name>.json from test/bbs/predicates-fixtures.ts. Run it only
 * when the protocol changes on purpose (docs/predicates.md); test/bbs/predicates-fixtures.test.ts
 * checks the committed files byte for byte.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixture, FIXTURE_INPUTS } from '../test/bbs/predicates-fixtures.js';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'predicates');
mkdirSync(dir, { recursive: true });
for (const input of FIXTURE_INPUTS) {
  const file = join(dir, `${input.name}.json`);
  writeFileSync(file, `${JSON.stringify({ ...input, expected: buildFixture(input) }, null, 2)}\n`);
  console.log(`wrote ${file}`);
}
