// Test support: the PaError a synchronous call throws (anything else, or no throw, fails the test).
import { PaError } from '@pa/shared';

export function thrownPaError(fn: () => unknown): PaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PaError) return error;
    throw error;
  }
  throw new Error('expected a PaError');
}
