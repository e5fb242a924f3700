import { nodeHttp, nodeHttps } from '../net/builtins.js';

/** `200`, `"200-399"`, `"200,204"` → a predicate over status codes. */
export function statusMatcher(expect: number | string): (status: number) => boolean {
  const ranges = String(expect)
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const [lo, hi] = p.split('-').map(Number);
      return [lo ?? NaN, hi ?? lo ?? NaN] as const;
    });
  return (status) => ranges.some(([lo, hi]) => status >= lo && status <= hi);
}

export interface HttpProbe {
  ok: boolean;
  status: number | null;
  /** Why it failed, readable: `HTTP 500`, `timed out after 2000 ms`, `connect ECONNREFUSED 127.0.0.1:9`. */
  detail: string;
}

/**
 * One GET, never following redirects (a 3xx is judged like any status, so a redirect off-host is never
 * followed), with a deadline covering connect, headers and body. At most 64 KiB of the body is read.
 */
export function probeHttp(url: string, opts: { timeoutMs: number; expectStatus: number | string; signal?: AbortSignal }): Promise<HttpProbe> {
  const matches = statusMatcher(opts.expectStatus);
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: HttpProbe) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const lib = new URL(url).protocol === 'https:' ? nodeHttps() : nodeHttp();
    const req = lib.get(url, { headers: { 'user-agent': 'upshift-health', accept: '*/*' }, ...(opts.signal ? { signal: opts.signal } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > 65_536) res.destroy();
      });
      const finish = () =>
        done(matches(status) ? { ok: true, status, detail: `HTTP ${status}` } : { ok: false, status, detail: `HTTP ${status}, expected ${String(opts.expectStatus)}` });
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
    });
    const timer = setTimeout(() => done({ ok: false, status: null, detail: `timed out after ${opts.timeoutMs} ms` }), opts.timeoutMs);
    req.on('error', (err) => done({ ok: false, status: null, detail: err.message }));
  });
}
