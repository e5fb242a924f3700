import { nodeHttp, nodeHttps } from '../net/builtins.js';
import { agentFor, closeAgents, type TlsTrust } from './http-pool.js';
import { closeH2Sessions, h2Session, H2Unavailable, requestH2 } from './h2-session.js';
import { TooLarge, USER_AGENT, type ByteBudget, type Reply } from './reply.js';

export type { Reply, ByteBudget } from './reply.js';
export { TooLarge } from './reply.js';

/**
 * One HTTP request of smart-HTTP discovery, whichever transport carries it: for https:// an HTTP/2 stream on the
 * host's one session when the server offered h2 by ALPN (h2-session.ts), else (plain http, a server without h2,
 * UPSHIFT_HTTP2=off, or after a GOAWAY or session error this run) HTTP/1.1 on the keep-alive pool (http-pool.ts).
 * Both read the whole body under the same byte budget and stop at the caller's signal (its deadline), so the
 * caller's semantics do not depend on the transport.
 */
export interface RequestContext {
  signal: AbortSignal;
  budget: ByteBudget;
  env: NodeJS.ProcessEnv;
  trust: TlsTrust;
}

/** `UPSHIFT_HTTP2=off` keeps every https:// remote on HTTP/1.1, as before HTTP/2 support (a way out, and the bench's baseline). */
export function http2Enabled(env: NodeJS.ProcessEnv): boolean {
  return env.UPSHIFT_HTTP2 !== 'off';
}

export async function httpRequest(method: 'GET' | 'POST', url: URL, headers: Record<string, string>, body: Buffer | undefined, ctx: RequestContext): Promise<Reply> {
  if (url.protocol === 'https:' && http2Enabled(ctx.env)) {
    const session = await h2Session(url, ctx.env, ctx.trust, ctx.signal);
    if (session) {
      const before = ctx.budget.left;
      try {
        return await requestH2(session, method, url, headers, body, ctx.signal, ctx.budget);
      } catch (e) {
        if (!(e instanceof H2Unavailable)) throw e;
        // GOAWAY, a session error or a refused stream before the answer: the request is read-only, so it is sent
        // again over HTTP/1.1 (where the rest of this host's requests now go), within the same deadline. Bytes of
        // the abandoned answer do not count twice.
        ctx.budget.left = before;
      }
    }
  }
  return requestH1(method, url, headers, body, ctx);
}

function requestH1(method: 'GET' | 'POST', url: URL, headers: Record<string, string>, body: Buffer | undefined, ctx: RequestContext): Promise<Reply> {
  const { signal, budget } = ctx;
  return new Promise<Reply>((resolve, reject) => {
    const mod = url.protocol === 'https:' ? nodeHttps() : nodeHttp();
    const req = mod.request(
      url,
      { method, agent: agentFor(url, ctx.env, ctx.trust), signal, headers: { 'user-agent': USER_AGENT, ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > budget.left) {
          res.destroy();
          reject(new TooLarge());
          return;
        }
        res.on('data', (c: Buffer) => {
          budget.left -= c.length;
          if (budget.left < 0) {
            res.destroy();
            reject(new TooLarge());
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('the connection closed mid-response')));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Closes every pooled connection and HTTP/2 session: the end of a run (tests, the CLI before it exits, a long-lived
 * process that wants its sockets back). The next request starts afresh and asks each host for h2 again.
 */
export function closeHttpPool(): void {
  closeH2Sessions();
  closeAgents();
}
