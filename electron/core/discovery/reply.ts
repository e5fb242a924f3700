import type http from 'node:http';

/** A whole HTTP answer, as either transport (HTTP/1.1 or an HTTP/2 stream) reads it. Header names are lower-case. */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Bytes still allowed for this remote, across all of its requests. */
export interface ByteBudget {
  left: number;
}

/** More bytes than the budget: the caller stops reading rather than choose from an incomplete list. */
export class TooLarge extends Error {}

export const USER_AGENT = 'git/2.39-upshift';
