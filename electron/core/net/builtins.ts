/**
 * Node's HTTP and TLS modules, loaded on first use. Importing them statically cost every CLI process ~3.3 MB of peak
 * RSS and ~12-16 ms at start-up (issue 12: peak RSS of a 200-project check), although a check of path and file://
 * remotes never opens a connection: only an https remote, the GitHub source, a health check or a notification does.
 * `process.getBuiltinModule` (Node ≥ 20.16, Electron's Node too) is synchronous, so callers stay as they were, and it
 * works in the CLI's ES module bundle, the tsc output and the Electron shell's CommonJS bundle alike (no import.meta).
 * Use `import type` for these modules' types; a value import brings the module back at start-up.
 */
export const nodeHttp = (): typeof import('node:http') => process.getBuiltinModule('node:http');
export const nodeHttps = (): typeof import('node:https') => process.getBuiltinModule('node:https');
export const nodeTls = (): typeof import('node:tls') => process.getBuiltinModule('node:tls');
export const nodeHttp2 = (): typeof import('node:http2') => process.getBuiltinModule('node:http2');
