// The shell's TypeScript compiles against the real Electron typings (node_modules/electron/electron.d.ts) with the
// project's Node settings: main and preload are entry points, everything they import is checked with them.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function diagnostics(entries: string[]): string[] {
  const configFile = ts.readConfigFile(`${root}tsconfig.node.json`, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const program = ts.createProgram(entries.map((e) => `${root}${e}`), { ...parsed.options, noEmit: true });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName.slice(root.length)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('Electron shell TypeScript', () => {
  it('main and preload type-check against the electron package typings', () => {
    expect(diagnostics(['electron/main/main.ts', 'electron/preload/preload.ts'])).toEqual([]);
  }, 60_000);

  it('the modules tests load under plain Node never import electron at run time', () => {
    // Importing the electron package from plain Node starts a download of the runtime; only the thin wires may.
    const wires = new Set(['main.ts', 'window.ts', 'tray-electron.ts', 'notifier.ts', 'preload.ts']);
    const files = [...readdirSync(`${root}electron/main`).map((f) => `electron/main/${f}`), ...readdirSync(`${root}electron/preload`).map((f) => `electron/preload/${f}`)];
    const offenders = files
      .filter((f) => f.endsWith('.ts') && !wires.has(f.split('/').pop()!))
      .filter((f) => /^import\s+(?!type\b)[^;]*from\s+'electron'/m.test(readFileSync(`${root}${f}`, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
