// The license format and its pure verification, shared by the engine, the CLI and the renderer.
// (Byte encodings stay importable as '@pa/shared/license/encoding' without crowding the package's root names.)
export * from './format.js';
export * from './grants.js';
export * from './payload.js';
export * from './verify.js';
