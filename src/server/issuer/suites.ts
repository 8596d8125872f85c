/**
 * Signature suites as the API names them ('BLS12-381-SHA-256', ...), as Prisma's generated
 * enum names them (BLS12_381_SHA_256, ...; the database stores the API names), and as
 * `BbsSuite` implementations. The legacy BBS+ 2020 suite loads its WASM only when first used.
 */
import { ietfSuite, type BbsSuite, type SuiteId } from '../../bbs/index.js';
import { CREDENTIAL_SUITES } from '../../credential/index.js';
import type { SignatureSuite } from '../db/generated/client.js';

export const SUITE_IDS = ['BLS12-381-SHA-256', 'BLS12-381-SHAKE-256', 'BBS+2020'] as const satisfies readonly SuiteId[];
export const DEFAULT_SUITE_ID: SuiteId = 'BLS12-381-SHA-256';

const TO_DB: Record<SuiteId, SignatureSuite> = {
  'BLS12-381-SHA-256': 'BLS12_381_SHA_256',
  'BLS12-381-SHAKE-256': 'BLS12_381_SHAKE_256',
  'BBS+2020': 'BBS_2020',
};
const FROM_DB: Record<SignatureSuite, SuiteId> = {
  BLS12_381_SHA_256: 'BLS12-381-SHA-256',
  BLS12_381_SHAKE_256: 'BLS12-381-SHAKE-256',
  BBS_2020: 'BBS+2020',
};

export function suiteToDb(suite: SuiteId): SignatureSuite {
  return TO_DB[suite];
}

export function suiteFromDb(suite: SignatureSuite): SuiteId {
  return FROM_DB[suite];
}

/**
 * Whether keys of the suite can issue privid credentials: blind issuance, the holder secret
 * committed and never seen by the issuer (privid/credential's CREDENTIAL_SUITES; not BBS+2020).
 */
export function supportsBlindIssuance(suite: SuiteId): boolean {
  return (CREDENTIAL_SUITES as readonly string[]).includes(suite);
}

let legacy: Promise<BbsSuite> | undefined;

/** The `BbsSuite` for a suite id. */
export async function loadSuite(suite: SuiteId): Promise<BbsSuite> {
  if (suite === 'BBS+2020') {
    legacy ??= import('../../bbs/legacy.js').then((module) => module.legacySuite);
    return legacy;
  }
  return ietfSuite(suite);
}
