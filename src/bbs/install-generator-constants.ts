/**
 * privid/bbs/generator-constants: the opt-in for slow engines (React Native/Hermes). Deriving a
 * generator costs a hash-to-curve, ~145 ms on Hermes 0.12, and a first presentation needs about a
 * dozen; with the constants installed it decodes each one instead (~1 ms). On V8 a derivation
 * costs ~2.5 ms (Node 20, measured), ~30 ms once per process for a first presentation, so the
 * default bundles leave the ~29 kB (gzipped; ~15 kB before the predicate generators) of constants out.
 *
 *   import { installGeneratorConstants } from 'privid/bbs/generator-constants';
 *   installGeneratorConstants(); // once at app start, before the first issuance or presentation
 *
 * A function, not an import for its side effect: the package declares `sideEffects: false`, so a
 * bundler may drop a bare `import 'privid/bbs/generator-constants'`.
 */
import { SHIPPED_GENERATORS } from './generator-constants.js';
import { installShippedGenerators } from './generators.js';

export function installGeneratorConstants(): void {
  installShippedGenerators(SHIPPED_GENERATORS);
}
