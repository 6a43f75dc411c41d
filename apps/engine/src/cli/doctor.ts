// `pa doctor [--json]`: what this machine gives the engine (Node, native modules, GPU, keychain, Electron).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { defaultDataDir } from '../paths.js';

const require = createRequire(import.meta.url);

export interface DoctorReport {
  node: string;
  platform: string;
  dataDir: string;
  nativeModules: Record<string, { loaded: boolean; detail: string }>;
  gpuBackends: string[];
  keychain: string;
  electron: { present: boolean; detail: string };
}

/** Probes that other capabilities add (the keychain probe comes from the secrets store). */
export const doctorProbes: { keychain: () => Promise<string> } = {
  keychain: async () => (await import('../secrets/index.js')).probeKeychain(defaultDataDir()),
};

export async function collectDoctorReport(): Promise<DoctorReport> {
  const nativeModules: DoctorReport['nativeModules'] = {};
  for (const name of ['better-sqlite3', 'node-llama-cpp', '@napi-rs/keyring']) {
    try {
      const module = (await import(name)) as Record<string, unknown>;
      if (name === 'better-sqlite3') {
        const Database = module.default as new (file: string) => { close(): void };
        new Database(':memory:').close();
      }
      nativeModules[name] = { loaded: true, detail: versionOf(name) };
    } catch (error) {
      nativeModules[name] = {
        loaded: false,
        detail: error instanceof Error ? (error.message.split('\n')[0] ?? '') : '',
      };
    }
  }
  let gpuBackends: string[] = [];
  try {
    const { getLlamaGpuTypes } = await import('node-llama-cpp');
    gpuBackends = (await getLlamaGpuTypes('supported')).filter(
      (type): type is Exclude<typeof type, false> => type !== false,
    );
  } catch {
    gpuBackends = [];
  }
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    dataDir: defaultDataDir(),
    nativeModules,
    gpuBackends,
    keychain: await doctorProbes.keychain(),
    electron: electronStatus(),
  };
}

function versionOf(name: string): string {
  try {
    // package.json may not be exported; walk up from the entry point instead
    let dir = dirname(require.resolve(name));
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string; name?: string };
    return pkg.version ?? '';
  } catch {
    return '';
  }
}

export function electronStatus(): { present: boolean; detail: string } {
  try {
    const pkgDir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return { present: false, detail: 'package installed, binary not downloaded' };
    const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? { present: true, detail: binary } : { present: false, detail: 'binary missing' };
  } catch {
    return { present: false, detail: 'not installed (optional dependency; needs a download from outside npm)' };
  }
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check what this machine gives the engine')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const report = await collectDoctorReport();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const lines = [
        `node:             ${report.node} (${report.platform})`,
        `data dir:         ${report.dataDir}`,
        ...Object.entries(report.nativeModules).map(
          ([name, status]) =>
            `${`${name}:`.padEnd(18)}${status.loaded ? `loaded ${status.detail}` : `NOT loaded: ${status.detail}`}`,
        ),
        `gpu:              ${report.gpuBackends.length ? report.gpuBackends.join(', ') : 'none (CPU only)'}`,
        `keychain:         ${report.keychain}`,
        `electron:         ${report.electron.present ? report.electron.detail : `absent: ${report.electron.detail}`}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
