// Types for start-mode.mjs (plain JavaScript so `npm start` runs it with Node before anything is compiled).

export declare const FALLBACK_NOTICE: string;

export interface StartWorld {
  /** Resolves the `electron` package from apps/desktop; it exports the binary's path or throws. */
  resolveElectron: () => unknown;
  exists: (path: string) => boolean;
  desktopDir: string;
  engineCli: string;
  nodePath: string;
  /** Extra arguments given to `npm start -- …` (e.g. a folder to open). */
  args: string[];
  platform: string;
  env: Record<string, string | undefined>;
}

export type StartPlan =
  | { mode: 'electron'; command: string; args: string[]; notice: null }
  | { mode: 'browser'; command: string; args: string[]; notice: string };

export declare function planStart(world: StartWorld): StartPlan;
