// Error codes are values: every failure that crosses a process boundary becomes {code, message, data?} here, once.

export const ErrorCode = {
  BAD_REQUEST: 'E_BAD_REQUEST',
  UNAUTHORIZED: 'E_UNAUTHORIZED',
  NOT_FOUND: 'E_NOT_FOUND',
  TOO_LARGE: 'E_TOO_LARGE',
  CONFLICT: 'E_CONFLICT',
  /** Understood and refused on purpose: a peer's write to a path the host did not share, a protected path. */
  FORBIDDEN: 'E_FORBIDDEN',
  LICENSE: 'E_LICENSE',
  QUOTA: 'E_QUOTA',
  PROVIDER: 'E_PROVIDER',
  TIMEOUT: 'E_TIMEOUT',
  CANCELLED: 'E_CANCELLED',
  UNAVAILABLE: 'E_UNAVAILABLE',
  INTERNAL: 'E_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const knownCodes: ReadonlySet<string> = new Set(Object.values(ErrorCode));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && knownCodes.has(value);
}

export interface WireError {
  code: ErrorCode;
  message: string;
  data?: unknown;
}

/** The one error type the engine throws on purpose; anything else is normalised to E_INTERNAL. */
export class PaError extends Error {
  readonly code: ErrorCode;
  readonly data: unknown;

  constructor(code: ErrorCode, message: string, data?: unknown) {
    super(message);
    this.name = 'PaError';
    this.code = code;
    this.data = data;
  }

  toWire(): WireError {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/** Turns anything thrown into a wire error. Unknown errors keep a generic message so internals never leak. */
export function toWireError(error: unknown): WireError {
  if (error instanceof PaError) return error.toWire();
  if (isAbortError(error)) return { code: ErrorCode.CANCELLED, message: 'The operation was cancelled.' };
  return { code: ErrorCode.INTERNAL, message: 'Internal error in the engine; see the engine log for details.' };
}

/** Rebuilds a PaError on the client side from a wire error. */
export function fromWireError(wire: WireError): PaError {
  return new PaError(wire.code, wire.message, wire.data);
}

export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'name' in error &&
    ((error as { name: unknown }).name === 'AbortError' || (error as { name: unknown }).name === 'APIUserAbortError')
  );
}
