import { expect } from 'vitest';
import { HolderError } from '../../src/holder/index.js';

/** The HolderError `run` rejects with (a test fails when it resolves or throws anything else). */
export async function failure(run: () => Promise<unknown>): Promise<HolderError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HolderError);
  return error as HolderError;
}
