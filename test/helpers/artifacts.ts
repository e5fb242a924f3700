/**
 * Release tarballs for `kind: artifact` tests, shaped like real tool releases (node_exporter-1.8.2.linux-amd64.tar.gz:
 * one top directory holding the binary, LICENSE and NOTICE), built with the system `tar`, with their sha256sums.txt.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fillAssetPattern } from '../../electron/core/kinds/artifact-layout.js';
import { makeTempDir } from './repos.js';

export const ASSET_PATTERN = 'tool-{version}.{os}-{arch}.tar.gz';

export function assetName(version: string): string {
  return fillAssetPattern(ASSET_PATTERN, { version, tag: `v${version}` });
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A release tarball: `tool-<v>.<os>-<arch>/tool` (a script printing "tool <v>", exit code from $TOOL_EXIT),
 * LICENSE, and `extra` files (relative path → content) of any size.
 */
export function buildToolTarball(version: string, extra: Record<string, string | Buffer> = {}): Buffer {
  const work = makeTempDir('upshift-artifact-');
  const top = assetName(version).replace(/\.tar\.gz$/, '');
  const dir = path.join(work, top);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'tool'), `#!/bin/sh\necho "tool ${version}"\nexit "\${TOOL_EXIT:-0}"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'Apache-2.0\n');
  for (const [rel, content] of Object.entries(extra)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  const out = path.join(work, assetName(version));
  execFileSync('tar', ['-czf', out, '-C', work, top]);
  return fs.readFileSync(out);
}

/** `sha256sums.txt` for the given files (name → bytes), in the coreutils format. */
export function sumsFile(files: Record<string, Buffer>): string {
  return Object.entries(files)
    .map(([name, data]) => `${sha256(data)}  ${name}\n`)
    .join('');
}

/** A plain HTTP server on 127.0.0.1 serving `files` (URL path → bytes); records the paths asked for. */
export async function startFileServer(files: Map<string, Buffer>): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(p);
    const body = files.get(p);
    if (!body) {
      res.writeHead(404).end('Not Found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
