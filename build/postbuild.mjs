// Marks the CLI entry executable after tsc emits it, so `npm link` / the `bin` entry work.
import { chmodSync, existsSync } from 'node:fs';
const cli = new URL('../dist/electron/cli/main.js', import.meta.url);
if (existsSync(cli)) chmodSync(cli, 0o755);
