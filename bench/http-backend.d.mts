export interface HttpBackendOptions {
  root: string;
  v0Only?: boolean | ((path: string) => boolean);
  auth?: { user: string; password: string };
  stall?: (path: string) => boolean;
  redirect?: (path: string) => string | null;
  dumb?: (path: string) => boolean;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** With tls: HTTP/2 offered by ALPN (node:http2 createSecureServer, HTTP/1.1 still served). */
  h2?: boolean;
  /** The server's SETTINGS_MAX_CONCURRENT_STREAMS (h2). */
  maxConcurrentStreams?: number;
  /** A GOAWAY on a session once it has had this many streams, naming the last one as processed (h2). */
  goawayAfter?: number;
  /** The session destroyed without GOAWAY when a stream beyond this many arrives (h2). */
  destroyAfter?: number;
}
export interface HttpBackendStats {
  /** TLS (or TCP) connections accepted. */
  connections: number;
  requests: number;
  cgi: number;
  /** Requests by protocol. */
  h2: number;
  http1: number;
  /** The ALPN protocol of each TLS connection ('none' when none was negotiated). */
  alpn: string[];
  /** The most streams open at once on one HTTP/2 session. */
  peakStreams: number;
  sessions: number;
  goaways: number;
  destroyed: number;
}
export interface HttpBackend {
  url: string;
  port: number;
  stats: HttpBackendStats;
  close(): Promise<void>;
}
export function startHttpBackend(opts: HttpBackendOptions): Promise<HttpBackend>;
/** A throwaway CA and a server certificate it signed for 127.0.0.1 and localhost, made with openssl in `dir`. */
export function makeTestCertificates(dir: string): { caFile: string; key: string; cert: string };
/** The server in a forked process of its own; `tls: { caDir }` makes a CA and certificate there. */
export function forkHttpBackend(opts: Omit<HttpBackendOptions, 'tls' | 'v0Only' | 'stall' | 'redirect' | 'dumb'> & { tls?: { caDir: string } }): Promise<{
  url: string;
  caFile: string | undefined;
  stats(): Promise<HttpBackendStats>;
  close(): Promise<void>;
}>;
