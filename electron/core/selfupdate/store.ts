import * as z from 'zod';
import { DEFAULT_SELF_UPDATE_PREFS, UPDATE_CHANNELS, type SelfUpdatePrefs } from '../../../shared/policy/selfupdate.js';

/** The settings key in the state database (beside the dashboard's settings, in the same table). */
export const SELF_UPDATE_KEY = 'selfUpdate';

const version = z.string().min(1).max(100);
const prefsSchema = z.object({
  channel: z.enum(UPDATE_CHANNELS as [SelfUpdatePrefs['channel'], ...SelfUpdatePrefs['channel'][]]),
  skipped: z.array(version).max(1000),
  remindLater: z.object({ version, until: z.string().datetime({ offset: true }) }).nullable(),
  installOnQuit: version.nullable(),
  lastCheckAt: z.string().datetime({ offset: true }).nullable(),
  lastError: z.string().max(2000).nullable(),
});

/** What the self-update store needs from the state store (StateStore has it). */
export interface SettingsBackend {
  getSetting(key: string): unknown;
  setSettings(values: Record<string, unknown>): void;
}

/**
 * Upshift's own update decisions, in the state database's settings: they survive restarts (a skipped version stays
 * skipped) and `upshift state backup` keeps them. A stored value that an older or newer Upshift wrote and this one
 * cannot read falls back field by field to the defaults instead of failing the app.
 */
export class SelfUpdateStore {
  constructor(private readonly backend: SettingsBackend) {}

  read(): SelfUpdatePrefs {
    const raw = this.backend.getSetting(SELF_UPDATE_KEY);
    const out: SelfUpdatePrefs = structuredClone(DEFAULT_SELF_UPDATE_PREFS);
    if (raw === null || typeof raw !== 'object') return out;
    for (const key of Object.keys(prefsSchema.shape) as Array<keyof SelfUpdatePrefs>) {
      const parsed = prefsSchema.shape[key].safeParse((raw as Record<string, unknown>)[key]);
      if (parsed.success) (out as unknown as Record<string, unknown>)[key] = parsed.data;
    }
    return out;
  }

  write(prefs: SelfUpdatePrefs): void {
    this.backend.setSettings({ [SELF_UPDATE_KEY]: prefsSchema.parse(prefs) });
  }
}
