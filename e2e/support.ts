/**
 * End-to-end support: each test gets its own UPSHIFT_HOME, fixture repositories and a real `upshift serve`
 * process, driven through Debian's Chromium with playwright-core (Playwright cannot download browsers here).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CLI } from '../test/helpers/cli.js';
import { cleanupTempDirs, makeTempDir, testGitEnv } from '../test/helpers/repos.js';

export const CHROMIUM = process.env.UPSHIFT_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

export const chromiumAvailable = existsSync(CHROMIUM);

export interface Served {
  url: string;
  origin: string;
  token: string;
  home: string;
  env: NodeJS.ProcessEnv;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `upshift serve --port <port>` (0: a free one) in a fresh home and resolves with the URL it prints. */
export async function serve(extraEnv: Record<string, string> = {}, home = makeTempDir('upshift-e2e-home-'), port = 0): Promise<Served> {
  const env = { ...testGitEnv(), UPSHIFT_HOME: home, NO_COLOR: '1', ...extraEnv };
  const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 20 s; stderr:\n${stderr}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Upshift dashboard: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}; stderr:\n${stderr}`)));
  });
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
  return {
    url,
    origin: parsed.origin,
    token,
    home,
    env,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Opens the dashboard and waits for its first state (the root's data-ready attribute), never on a sleep. */
export async function openDashboard(browser: Browser, served: Served, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme });
  const page = await context.newPage();
  await page.goto(served.url);
  await page.locator('[data-ready="true"]').waitFor({ timeout: 20_000 });
  return page;
}

/** One Chromium for a file's tests and the `upshift serve` processes they start. */
export interface DashboardHarness {
  readonly browser: Browser;
  /** Starts `upshift serve` on `home`; it is stopped after the file's tests. */
  serve(env?: Record<string, string>, home?: string): Promise<Served>;
  /** `serve`, then the dashboard opened on it and its first state shown. */
  start(env?: Record<string, string>, home?: string): Promise<{ served: Served; page: Page }>;
}

/**
 * Registers the browser's launch and the teardown of the browser, every server started through it and the temp
 * directories (in that order: a server must stop before its home is removed). Call it inside the `describe`.
 */
export function useDashboard(): DashboardHarness {
  let browser: Browser | undefined;
  const servers: Served[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.stop();
    cleanupTempDirs();
  });
  const harness: DashboardHarness = {
    get browser(): Browser {
      if (!browser) throw new Error('useDashboard: the browser is launched in beforeAll; use it inside a test');
      return browser;
    },
    async serve(env = {}, home) {
      const served = await serve(env, home);
      servers.push(served);
      return served;
    },
    async start(env = {}, home) {
      const served = await harness.serve(env, home);
      return { served, page: await openDashboard(harness.browser, served) };
    },
  };
  return harness;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Calls one API method the way the dashboard does. */
export async function api<T = unknown>(served: Served, method: string, input: unknown = {}): Promise<T> {
  const res = await fetch(`${served.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (!res.ok) throw new Error(`${method}: ${res.status} ${body.error?.message ?? ''}`);
  return body.result as T;
}

/** Collects the server's events (SSE) for counting, e.g. notifications. */
export function collectEvents(served: Served): { events: Array<{ type: string } & Record<string, unknown>>; close(): void } {
  const events: Array<{ type: string } & Record<string, unknown>> = [];
  const controller = new AbortController();
  void (async () => {
    try {
      const res = await fetch(`${served.origin}/api/events?token=${encodeURIComponent(served.token)}`, { signal: controller.signal });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const chunk = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = chunk
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          if (data) events.push(JSON.parse(data) as { type: string });
        }
      }
    } catch {
      // Closed.
    }
  })();
  return { events, close: () => controller.abort() };
}
