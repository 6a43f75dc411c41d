// Test build only: scripts/build.mjs `engine-test` bundles the engine into apps/engine/dist-test with this module in
// place of apps/engine/src/license/public-key.ts, so engines and `pa` commands that tests spawn trust the throwaway
// vendor key named by PA_TEST_VENDOR_PUBLIC_KEY (the key as base64/hex, or a key file). The shipped bundle
// (apps/engine/dist) never contains this module, and electron-builder never packages dist-test.
import { existsSync, readFileSync } from 'node:fs';
import {
  PUBLIC_KEY_FILE,
  parseKeyText,
  requireKey,
  loadPublicKey as shippedPublicKey,
} from '../../../apps/engine/src/license/public-key.js';

export { PUBLIC_KEY_FILE, parseKeyText, requireKey };

export const TEST_VENDOR_KEY_ENV = 'PA_TEST_VENDOR_PUBLIC_KEY';

export function loadPublicKey(): Uint8Array | null {
  const named = process.env[TEST_VENDOR_KEY_ENV]?.trim();
  if (!named) return shippedPublicKey();
  const inline = parseKeyText(named, 32);
  if (inline) return inline;
  if (!existsSync(named)) throw new Error(`${TEST_VENDOR_KEY_ENV} is neither a 32-byte key nor a key file`);
  return requireKey(readFileSync(named, 'utf8'), named);
}
