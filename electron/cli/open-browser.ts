/**
 * `upshift serve --open`: the default browser, started directly with the URL as one argument — never through a
 * shell string, so nothing in the URL can be interpreted as a command.
 */
import { spawn } from 'node:child_process';

/** The program and arguments that open `url` on `platform`; `$BROWSER` (one executable path) wins when set. */
export function browserCommand(url: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): [string, string[]] {
  const browser = env.BROWSER?.trim();
  if (browser) return [browser, [url]];
  if (platform === 'darwin') return ['open', [url]];
  // `start` is a cmd.exe built-in (a shell); url.dll's handler opens the default browser without one.
  if (platform === 'win32') return ['rundll32.exe', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

/** Starts the browser and forgets it; `onError` hears when it could not be started. */
export function openBrowser(url: string, onError: (message: string) => void, env: NodeJS.ProcessEnv = process.env): void {
  if (!/^https?:\/\//.test(url)) throw new Error(`Refusing to open a non-HTTP URL: ${url}`);
  const [command, args] = browserCommand(url, process.platform, env);
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false, windowsHide: true, env });
    child.on('error', (err) => onError(`Could not start ${command}: ${err.message}. Open the URL above yourself.`));
    child.unref();
  } catch (err) {
    onError(`Could not start ${command}: ${(err as Error).message}. Open the URL above yourself.`);
  }
}
