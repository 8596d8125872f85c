/**
 * The cryptography of blind issuance, as the redemption route needs it, on privid/credential's
 * issuance profile (src/credential/issuance.ts: the BBS pseudonym interface, the holder secret as
 * the one committed nym secret, a constant header). The issuer never sees the holder secret.
 *
 * An interface so that tests can wrap it; `defaultIssuanceCrypto` is the real one.
 */
import { BbsError, committedCountOf, verifyCommitmentWithNym, type SuiteId } from '../../bbs/index.js';
import {
  CREDENTIAL_NYM_COUNT,
  CredentialCryptoError,
  credentialSuite,
  issueCredential,
  type IssuanceRequest,
  type IssuedCredential,
  type IssueCredentialParams,
} from '../../credential/index.js';
import { ApiError } from '../errors.js';

export type CommitmentCheck = 'valid' | 'invalid' | 'malformed';

export interface IssuanceCrypto {
  /**
   * Whether the commitment holds exactly the holder secret and its proof of knowledge verifies.
   * Checked before the issuer's secret key is even opened.
   */
  checkCommitment(input: { suite: SuiteId; commitmentWithProof: Uint8Array }): Promise<CommitmentCheck>;
  /** Validates, verifies the commitment proof again, blind-signs: the credential without `secretId`. */
  issue(
    input: Omit<IssueCredentialParams, 'ciphersuite'> & { suite: SuiteId; request: IssuanceRequest },
  ): Promise<IssuedCredential>;
}

function suiteOf(suite: SuiteId) {
  try {
    return credentialSuite(suite);
  } catch (error) {
    if (error instanceof CredentialCryptoError) throw new ApiError('UNSUPPORTED_SUITE', error.message);
    throw error;
  }
}

export const defaultIssuanceCrypto: IssuanceCrypto = {
  async checkCommitment({ suite, commitmentWithProof }) {
    const ciphersuite = suiteOf(suite);
    try {
      if (committedCountOf(commitmentWithProof.length) !== CREDENTIAL_NYM_COUNT) return 'malformed';
      return verifyCommitmentWithNym({ ciphersuite, commitmentWithProof }) ? 'valid' : 'invalid';
    } catch (error) {
      if (error instanceof BbsError) return 'malformed';
      throw error;
    }
  },
  async issue({ suite, ...params }) {
    const ciphersuite = suiteOf(suite);
    try {
      return issueCredential({ ...params, ciphersuite });
    } catch (error) {
      if (error instanceof BbsError) {
        throw error.code === 'INVALID_COMMITMENT_PROOF'
          ? new ApiError('COMMITMENT_INVALID')
          : new ApiError('INVALID_CRYPTO_INPUT', 'the commitment is malformed');
      }
      throw error;
    }
  },
};
