export interface HttpBackendOptions {
  root: string;
  v0Only?: boolean | ((path: string) => boolean);
  auth?: { user: string; password: string };
  stall?: (path: string) => boolean;
  redirect?: (path: string) => string | null;
  dumb?: (path: string) => boolean;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}
export interface HttpBackend {
  url: string;
  port: number;
  stats: { connections: number; requests: number; cgi: number };
  close(): Promise<void>;
}
export function startHttpBackend(opts: HttpBackendOptions): Promise<HttpBackend>;
