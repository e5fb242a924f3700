/**
 * The Electron shell's contract path without an Electron binary: the built renderer, served with the app://
 * handler and its CSP, in Chromium; `window.upshift` made by the real preload factory (electron/preload/api.ts,
 * bundled for the page); "IPC" through the real main-process handlers (electron/main/ipc.ts) with the sender check;
 * the real engine service on the demo workspace; engine events pushed to the page as webContents.send would.
 * Only the transport between the two processes is a stand-in (Playwright's exposeBinding for ipcRenderer.invoke).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES, type UpshiftApi } from '../shared/api/contract.js';
import { UpshiftService } from '../electron/core/service/index.js';
import { createAppProtocolHandler } from '../electron/main/app-protocol.js';
import { registerContractHandlers, registerShellHandler, type IpcRegistrar } from '../electron/main/ipc.js';
import { isTrustedSender } from '../electron/main/security.js';
import { EVENT_CHANNEL, NAVIGATE_CHANNEL, PICK_FOLDER_CHANNEL } from '../electron/preload/channels.js';
import { cleanupTempDirs, git, makeTempDir, testGitEnv } from '../test/helpers/repos.js';
import { chromiumAvailable, launchChromium, screenshot } from './support.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const rendererBuilt = existsSync(join(root, 'dist/renderer/index.html'));
const runnable = chromiumAvailable && rendererBuilt;
if (!runnable) console.warn(`e2e/shell-bridge: SKIPPED (${chromiumAvailable ? 'the renderer is not built: npm run build' : 'no Chromium at /usr/bin/chromium'}).`);

interface SenderEvent {
  webContentsId: number;
  frameUrl: string;
  isMainFrame: boolean;
}

const WINDOW_ID = 1;

/** What the page sees, as the preload exposes it. */
type PageWindow = { upshift: UpshiftApi };

describe.skipIf(!runnable)('the shell bridge (preload API → IPC handlers → engine service), in Chromium', () => {
  let server: Server;
  let origin: string;
  let service: UpshiftService;
  let browser: Browser;
  let page: Page;
  let core: string;
  const handlers = new Map<string, (event: SenderEvent, ...args: unknown[]) => unknown>();
  const refused: string[] = [];

  beforeAll(async () => {
    const dir = join(makeTempDir('upshift-bridge-'), 'ws');
    const demo = spawnSync(process.execPath, [join(root, 'build/demo.mjs'), '--no-serve', '--json', '--dir', dir], { encoding: 'utf8', env: testGitEnv() });
    if (demo.status !== 0) throw new Error(`demo.mjs failed: ${demo.stderr}`);
    const ws = JSON.parse(demo.stdout) as { home: string; core: string };
    core = ws.core;

    const handler = createAppProtocolHandler(join(root, 'dist/renderer'));
    server = createServer((req, res) => {
      void handler(new Request(`app://upshift${req.url ?? '/'}`, { method: req.method ?? 'GET' })).then(async (r) => {
        res.writeHead(r.status, Object.fromEntries(r.headers.entries()));
        res.end(Buffer.from(await r.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    service = await UpshiftService.open({ home: ws.home, env: testGitEnv(), poll: false });
    const ipc: IpcRegistrar<SenderEvent> = { handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) };
    // The page is served over http here, so it is trusted as the dev server would be; the window id is fixed.
    const isTrusted = (e: SenderEvent) => isTrustedSender(e, { windowWebContentsId: WINDOW_ID, devUrl: origin });
    const onRefused = (channel: string) => void refused.push(channel);
    registerContractHandlers({ ipc, service, isTrusted, onRefused });
    registerShellHandler({ ipc, channel: PICK_FOLDER_CHANNEL, isTrusted, onRefused, run: async () => core });

    const preload = await build({ entryPoints: [join(root, 'electron/preload/api.ts')], bundle: true, format: 'iife', globalName: '__upshiftPreload', write: false, platform: 'browser', target: 'es2022' });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    await page.exposeBinding('__upshiftIpcInvoke', async (source, channel: string, input: unknown) => {
      const h = handlers.get(channel);
      if (!h) throw new Error(`No handler registered for '${channel}'`);
      const event: SenderEvent = { webContentsId: WINDOW_ID, frameUrl: source.frame.url(), isMainFrame: source.frame === source.page.mainFrame() };
      // Structured clone across the process boundary, as Electron's IPC does.
      return structuredClone(await h(event, input));
    });
    await page.addInitScript(`${preload.outputFiles[0]!.text}
      (() => {
        const listeners = new Map();
        const listen = (channel, listener) => {
          const set = listeners.get(channel) ?? new Set();
          set.add(listener);
          listeners.set(channel, set);
          return () => set.delete(listener);
        };
        window.__upshiftSend = (channel, payload) => listeners.get(channel)?.forEach((l) => l(payload));
        const invoke = (channel, input) => window.__upshiftIpcInvoke(channel, input);
        window.upshift = __upshiftPreload.createPreloadApi(invoke, listen);
        window.upshiftShell = __upshiftPreload.createShellApi(invoke, listen, (hash) => { location.hash = hash; });
      })();`);
    service.subscribe((event) => {
      void page.evaluate(([c, p]) => (window as unknown as { __upshiftSend(c: unknown, p: unknown): void }).__upshiftSend(c, p), [EVENT_CHANNEL, event] as const).catch(() => undefined);
    });
    await page.goto(`${origin}/index.html`);
    await page.locator('[data-ready="true"]').waitFor({ timeout: 20_000 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    server?.close();
    cleanupTempDirs();
  });

  it('shows the Updates view from the engine through the preload API', async () => {
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByRole('row', { name: 'core', exact: true }).getByRole('button', { name: 'Upgrade' }).waitFor();
    expect(await page.evaluate(() => Object.keys((window as unknown as PageWindow).upshift).sort())).toEqual([...METHOD_NAMES, 'subscribe'].sort());
  });

  it('opens a plan when the main process navigates (a notification or tray click)', async () => {
    await page.evaluate(([c, route]) => (window as unknown as { __upshiftSend(c: string, p: string): void }).__upshiftSend(c, route), [NAVIGATE_CHANNEL, '#/plan/core?to=1.1.0'] as const);
    await page.getByRole('heading', { name: 'Plan' }).waitFor();
    await page.getByText('core doctor').first().waitFor();
    await screenshot(page, 'electron-bridge-plan');
  });

  it('upgrades, following the operation through engine events', async () => {
    await page.getByRole('button', { name: 'Start upgrade' }).click();
    await page.getByText(/succeeded/i).first().waitFor({ timeout: 30_000 });
    expect(git(core, 'describe', '--tags')).toBe('v1.1.0');
  });

  it('turns an engine error into the contract error the renderer shows', async () => {
    const err = await page.evaluate(() => (window as unknown as PageWindow).upshift.getPlan({ project: 'nope' }).then(() => null, (e: Error) => e.message));
    expect(JSON.parse(err!)).toMatchObject({ code: expect.any(String), message: expect.stringContaining('nope') });
  });

  it('refuses a call from a frame other than the top one', async () => {
    const reply = await handlers.get('upshift:getState')!({ webContentsId: WINDOW_ID, frameUrl: `${origin}/index.html`, isMainFrame: false }, {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(refused).toEqual(['upshift:getState']);
  });

  it('runs under the CSP with no violation and no inline script', async () => {
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.reload();
    await page.locator('[data-ready="true"]').waitFor({ timeout: 20_000 });
    expect(violations).toEqual([]);
    expect(await page.locator('script:not([src])').count()).toBe(0);
  });
});
