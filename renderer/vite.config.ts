import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

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

export default defineConfig({
  root: import.meta.dirname,
  // Relative asset URLs: the same build loads from file:// in Electron and from `/` in browser mode.
  base: './',
  plugins: [react(), strictHtml()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Never turn small assets into data: URLs (the CSP allows 'self' only).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    target: 'es2022',
  },
});
