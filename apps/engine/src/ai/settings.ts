// The provider settings file (`ai-providers.json` in the data dir), validated by the shared schema and written
// atomically. API keys never go here: they live in the secrets store under `ai.provider.<id>.apiKey`.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AiSettingsFile, ErrorCode, PaError } from '@pa/shared';

export const SETTINGS_FILE = 'ai-providers.json';

export function apiKeySecret(providerId: string): string {
  return `ai.provider.${providerId}.apiKey`;
}

export function settingsPath(dataDir: string): string {
  return join(dataDir, SETTINGS_FILE);
}

export function loadSettings(dataDir: string): AiSettingsFile {
  const file = settingsPath(dataDir);
  if (!existsSync(file)) return AiSettingsFile.parse({ version: 1 });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new PaError(ErrorCode.BAD_REQUEST, `${file} is not valid JSON; fix or delete it, then restart.`);
  }
  const parsed = AiSettingsFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `${file} is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}; fix or delete it, then restart.`,
    );
  }
  return parsed.data;
}

export function saveSettings(dataDir: string, settings: AiSettingsFile): void {
  const file = settingsPath(dataDir);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}
