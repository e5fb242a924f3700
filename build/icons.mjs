// Draws Upshift's icons into assets/ with no image tools: a tiny rasteriser (shapes sampled 4×4 per pixel for
// anti-aliasing) and a PNG encoder on node:zlib. The output is deterministic, so the committed PNGs only change
// when this file does. Run: node build/icons.mjs
//
// What each OS wants (and what Electron picks up):
//   assets/tray/tray-<state>.png + @2x          16/32 px, coloured: Linux and Windows trays
//   assets/tray/tray-<state>Template.png + @2x  16/32 px, black + alpha: macOS menu bar (it tints them itself)
//   assets/icon.png                             512 px app icon (electron-builder derives .icns and .ico from it)
//   assets/icons/<n>x<n>.png                    16…512 px, the Linux icon set (AppImage, deb)
// States: idle (arrow in a circle), updates (+ a green dot), working (+ an amber ring), error (a red disc with
// an exclamation mark); the macOS templates tell them apart by shape alone.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { deflateSync } from 'node:zlib';

export const TRAY_STATES = ['idle', 'updates', 'working', 'error'];

// ------------------------------------------------------------------------------------------------------------
// PNG encoding (RGBA, 8 bits per channel, filter 0 on every row)

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes `rgba` (width × height × 4 bytes, straight alpha) as a PNG file. */
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ------------------------------------------------------------------------------------------------------------
// Shapes, in a 0..1 unit square (y down). Each is a predicate on a point.

const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx, cy, r, w) => (x, y) => {
  const d = Math.hypot(x - cx, y - cy);
  return d <= r && d >= r - w;
};
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  if (!rect(x0, y0, x1, y1)(x, y)) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
/** Convex polygon (points in order). */
const polygon = (pts) => (x, y) => {
  let sign = 0;
  for (let i = 0; i < pts.length; i++) {
    const [ax, ay] = pts[i];
    const [bx, by] = pts[(i + 1) % pts.length];
    const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    if (cross !== 0) {
      if (sign === 0) sign = Math.sign(cross);
      else if (Math.sign(cross) !== sign) return false;
    }
  }
  return true;
};
const union = (...shapes) => (x, y) => shapes.some((s) => s(x, y));

/** The up arrow: a head and a shaft, centred on (cx, cy), `s` high. */
function arrow(cx, cy, s) {
  const top = cy - s / 2;
  const headBottom = top + s * 0.5;
  const head = polygon([[cx, top], [cx + s * 0.42, headBottom], [cx - s * 0.42, headBottom]]);
  const shaft = rect(cx - s * 0.15, headBottom - 0.001, cx + s * 0.15, cy + s / 2);
  return union(head, shaft);
}

// ------------------------------------------------------------------------------------------------------------
// Rasterising: layers painted in order, each a shape and a colour, 4×4 samples per pixel.

function hex(c) {
  const n = parseInt(c.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** `layers`: [{shape, color: '#rrggbb' | (x, y) => [r, g, b]}]; later layers paint over earlier ones. */
export function render(size, layers) {
  const out = new Uint8Array(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          let col = null;
          for (const layer of layers) {
            if (!layer.shape(x, y)) continue;
            col = layer.clear ? null : typeof layer.color === 'function' ? layer.color(x, y) : hex(layer.color);
          }
          if (col) {
            r += col[0];
            g += col[1];
            b += col[2];
            a += 1;
          }
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
      }
      out[i + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------------------
// The designs

const BRAND = '#4f46e5';
const BADGE = { updates: '#16a34a', working: '#f59e0b' };
const ERROR = '#dc2626';

/** The badge in the top-right corner: a filled dot (updates) or a ring (working), cut out of the glyph under it. */
function badge(state) {
  const [cx, cy, r] = [0.79, 0.21, 0.2];
  const gap = circle(cx, cy, r + 0.07);
  if (state === 'updates') return { gap, mark: circle(cx, cy, r) };
  if (state === 'working') return { gap, mark: ring(cx, cy, r, 0.1) };
  return null;
}

/** An exclamation mark centred on (cx, cy), `s` high: the error state replaces the arrow with it. */
function exclamation(cx, cy, s) {
  const w = s * 0.13;
  return union(roundRect(cx - w, cy - s / 2, cx + w, cy + s * 0.2, w * 0.6), circle(cx, cy + s / 2 - w, w));
}

/**
 * Coloured tray icon (Linux, Windows): a brand-coloured disc with a white arrow and the state's badge; the error
 * state is a red disc with an exclamation mark, readable at 16 px where a small red badge would not be.
 */
function trayLayers(state) {
  const disc = circle(0.5, 0.5, 0.47);
  if (state === 'error') return [{ shape: disc, color: ERROR }, { shape: exclamation(0.5, 0.5, 0.6), color: '#ffffff' }];
  const b = badge(state);
  const layers = [
    { shape: disc, color: BRAND },
    { shape: arrow(0.5, 0.55, 0.52), color: '#ffffff' },
  ];
  if (b) layers.push({ shape: b.gap, clear: true }, { shape: b.mark, color: BADGE[state] });
  return layers;
}

/** macOS template: black shapes on transparency (the menu bar tints them), states told apart by shape. */
function templateLayers(state) {
  const outline = ring(0.5, 0.5, 0.47, 0.1);
  if (state === 'error') return [{ shape: union(outline, exclamation(0.5, 0.5, 0.52)), color: '#000000' }];
  const b = badge(state);
  const layers = [{ shape: union(outline, arrow(0.5, 0.55, 0.48)), color: '#000000' }];
  if (b) layers.push({ shape: b.gap, clear: true }, { shape: b.mark, color: '#000000' });
  return layers;
}

/** App icon: a rounded square with a diagonal gradient, a white ring and the arrow. */
function appLayers() {
  const [c0, c1] = [hex('#6366f1'), hex('#0d9488')];
  const gradient = (x, y) => {
    const t = Math.min(1, Math.max(0, (x + y) / 2));
    return c0.map((v, i) => Math.round(v + (c1[i] - v) * t));
  };
  return [
    { shape: roundRect(0.04, 0.04, 0.96, 0.96, 0.2), color: gradient },
    { shape: ring(0.5, 0.5, 0.34, 0.045), color: '#ffffff' },
    { shape: arrow(0.5, 0.52, 0.38), color: '#ffffff' },
  ];
}

// ------------------------------------------------------------------------------------------------------------

export function generate(outDir) {
  const files = {};
  const put = (rel, size, layers) => {
    files[rel] = encodePng(size, size, render(size, layers));
  };
  for (const state of TRAY_STATES) {
    put(`tray/tray-${state}.png`, 16, trayLayers(state));
    put(`tray/tray-${state}@2x.png`, 32, trayLayers(state));
    put(`tray/tray-${state}Template.png`, 16, templateLayers(state));
    put(`tray/tray-${state}Template@2x.png`, 32, templateLayers(state));
  }
  put('icon.png', 512, appLayers());
  for (const n of [16, 24, 32, 48, 64, 128, 256, 512]) put(`icons/${n}x${n}.png`, n, appLayers());
  if (outDir) {
    for (const [rel, data] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(outDir, rel)), { recursive: true });
      writeFileSync(path.join(outDir, rel), data);
    }
  }
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const outDir = fileURLToPath(new URL('../assets/', import.meta.url));
  const files = generate(outDir);
  console.log(`wrote ${Object.keys(files).length} icons to ${path.relative(process.cwd(), outDir) || '.'}`);
}
