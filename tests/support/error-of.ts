// The typed error a call failed with, for tests that assert on its code and data (fails the test if it succeeded).
import type { PaError } from '@pa/shared';

export async function errorOf(promise: Promise<unknown>): Promise<PaError> {
  try {
    await promise;
  } catch (error) {
    return error as PaError;
  }
  throw new Error('expected the call to fail');
}
