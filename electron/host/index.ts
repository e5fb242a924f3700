export { createHostServer, DEFAULT_HEARTBEAT_MS, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_STREAMS } from './server.js';
export { assertUsableToken, generateToken } from './auth.js';
export { isLoopbackHost, isWildcardHost } from './guard.js';
export type { HostApi, HostServer, HostServerOptions } from './types.js';
