/**
 * "Add project" from the dashboard (issue 11 §1): a path typed there is not relative to the server's working
 * directory (which the user never sees, and which differs between the app, `upshift serve` and a daemon) but to the
 * user's home, and the form says so; `~` is the home too. The CLI keeps resolving against its own cwd, as shells do.
 * Errors are worded for the form ("the Name field"), not for the command line ("pass --name").
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { toApiError } from '../errors.js';
import { ServiceError } from './errors.js';

export interface DashboardPath {
  /** The absolute path the engine is given. */
  path: string;
  /** Set when the path was not absolute: how it was read, in words. */
  note: string | null;
}

export function dashboardPath(raw: string, home: string = homedir()): DashboardPath {
  const text = raw.trim();
  if (isAbsolute(text)) return { path: text, note: null };
  if (text === '~' || text.startsWith('~/')) {
    const path = join(home, text.slice(1));
    return { path, note: null };
  }
  const path = resolve(home, text);
  return { path, note: `“${text}” is not an absolute path: it was read from your home folder, as ${path}.` };
}

/** The engine's add/validate errors as the form should say them: what to do in the dashboard, not on a command line. */
export function forTheForm(err: unknown): ServiceError {
  const api = toApiError(err);
  let message = api.message;
  if (api.code === 'PROJECT_EXISTS') message = message.replace(/\s*Pass --name to choose another\./, ' Enter another name in the “Name” field to add this checkout under it.');
  if (api.code === 'BAD_NAME') message = message.replace(/\s*Pass --name\./, ' Enter a name in the “Name” field.');
  return new ServiceError({ ...api, message });
}
