// What other capabilities may ask of the settings capability: the settings that apply now (restricted workspace
// values only in a trusted workspace).
import type { Settings } from '@pa/shared';

export interface SettingsService {
  effective(): Promise<Settings>;
}
