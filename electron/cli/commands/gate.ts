/** Dispatch of `upshift ci` and `upshift matrix` (wired from main.ts before the engine opens: neither needs it). */
import { Engine } from '../../core/engine/index.js';
import type { ParsedCommand } from '../args.js';
import type { ExitCodeValue } from '../exit-codes.js';
import type { Style } from '../format.js';
import { ciCommand } from './ci.js';
import type { GateDeps } from './gate-input.js';
import { matrixCommand } from './matrix.js';

export const GATE_COMMANDS = ['ci', 'matrix'];

export function gateCommand(cmd: ParsedCommand, io: { out: (text: string) => void; err: (text: string) => void; style: Style }): Promise<ExitCodeValue> {
  const deps: GateDeps & { style: Style } = {
    print: (doc, human) => io.out(cmd.values.json === true ? JSON.stringify(doc) : human()),
    err: io.err,
    cwd: process.cwd(),
    openEngine: () => Engine.open(),
    style: io.style,
  };
  return cmd.spec.name === 'ci' ? ciCommand(cmd, deps) : matrixCommand(cmd, deps);
}
