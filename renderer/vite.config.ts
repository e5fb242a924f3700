import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const OUT_DIR = resolve(import.meta.dirname, '../dist/renderer');
/** Source maps for debugging, kept beside the served build (the host refuses *.map). */
const MAPS_DIR = resolve(import.meta.dirname, '../dist/renderer-maps');

/**
 * The Electron shell and `upshift serve` both send a strict CSP (script-src 'self'; style-src 'self'). The built
 * page repeats it in a meta tag (for file:// loads) and this plugin fails the build if anything inline slips in.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function strictHtml(): Plugin {
  return {
    name: 'upshift-strict-html',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const inlineScript = /<script\b(?![^>]*\bsrc=)[^>]*>/i.exec(html);
        if (inlineScript) throw new Error(`index.html must not contain inline scripts: ${inlineScript[0]}`);
        if (/<style\b/i.test(html) || /\sstyle\s*=/i.test(html)) throw new Error('index.html must not contain inline styles');
        if (/\son[a-z]+\s*=/i.test(html)) throw new Error('index.html must not contain inline event handlers');
        return html.replace('<meta charset="UTF-8" />', `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`);
      },
    },
  };
}

function* filesUnder(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* filesUnder(p);
    else yield p;
  }
}

/**
 * After the build: moves the source maps out of the served folder into dist/renderer-maps/ (same relative paths;
 * 'hidden' maps carry no sourceMappingURL, so DevTools loads them only when pointed at them), and writes `.br` and
 * `.gz` beside every compressible file at the highest levels, once, so `upshift serve` sends them as they are.
 */
function mapsAsideAndPrecompress(): Plugin {
  return {
    name: 'upshift-maps-aside-precompress',
    apply: 'build',
    closeBundle() {
      rmSync(MAPS_DIR, { recursive: true, force: true });
      for (const file of [...filesUnder(OUT_DIR)]) {
        if (file.endsWith('.map')) {
          const target = join(MAPS_DIR, relative(OUT_DIR, file));
          mkdirSync(dirname(target), { recursive: true });
          renameSync(file, target);
        } else if (/\.(js|css|html|svg|json|webmanifest|txt)$/.test(file)) {
          const raw = readFileSync(file);
          if (raw.length < 1024) continue;
          writeFileSync(`${file}.br`, brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } }));
          writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
        }
      }
    },
  };
}

/**
 * The runtime the shipped bundle uses for React's API. The dashboard is written in React (types, unit tests through
 * react-dom/server), but the browser build — served by `upshift serve` and loaded by the Electron window alike —
 * runs it on Preact's compat layer: react-dom was 205 KB of the 288 KB entry script, and parsing and evaluating it
 * was the largest single item of a cold load's main thread (docs/performance.md, "The dashboard's first view").
 * `UPSHIFT_RENDERER_RUNTIME=react npm run build` builds with React itself, to compare or to rule Preact out.
 */
const RUNTIME = process.env.UPSHIFT_RENDERER_RUNTIME ?? 'preact';
if (RUNTIME !== 'preact' && RUNTIME !== 'react') {
  throw new Error(`UPSHIFT_RENDERER_RUNTIME must be "preact" or "react", got "${RUNTIME}"; nothing was built.`);
}
/** Exact-match aliases (a bare 'react' alias would also catch 'react-virtual' style prefixes). */
const PREACT_ALIASES = [
  { find: /^react$/, replacement: 'preact/compat' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
];

export default defineConfig({
  root: import.meta.dirname,
  resolve: { alias: RUNTIME === 'preact' ? PREACT_ALIASES : [] },
  // Relative asset URLs: the same build loads from file:// in Electron and from `/` in browser mode.
  base: './',
  plugins: [react(), strictHtml(), mapsAsideAndPrecompress()],
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    // Never turn small assets into data: URLs (the CSP allows 'self' only).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: 'hidden',
    target: 'es2022',
  },
});
