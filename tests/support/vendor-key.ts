// How tests make the engines and `pa` commands they spawn trust a throwaway vendor key: they run the test build
// (apps/engine/dist-test, see tests/support/test-build/public-key.ts) with the key in PA_TEST_VENDOR_PUBLIC_KEY. The
// shipped build reads neither variable; tests/integration/license-vendor-key.test.ts holds it to that.
import { engineCli, engineMain, testEngineCli, testEngineMain } from '../../scripts/paths.js';

/** Selects the test build in startEngine, openWorkbench, the desktop app in development and `paCli`. */
export const ENGINE_BUILD_ENV = 'PA_ENGINE_BUILD';

/** The environment that makes a spawned engine or CLI trust `publicKey` (base64/hex key text, or a key file). */
export function testVendorEnv(publicKey: string): Record<string, string> {
  return { PA_TEST_VENDOR_PUBLIC_KEY: publicKey, [ENGINE_BUILD_ENV]: 'test' };
}

/** The engine entry for an environment: the test build when testVendorEnv asked for it, else the shipped one. */
export function engineMainFor(env: Record<string, string | undefined> = {}): string {
  return env[ENGINE_BUILD_ENV] === 'test' ? testEngineMain : engineMain;
}

/** The `pa` entry for an environment, likewise. */
export function engineCliFor(env: Record<string, string | undefined> = {}): string {
  return env[ENGINE_BUILD_ENV] === 'test' ? testEngineCli : engineCli;
}
