/**
 * /api/events: contract events as Server-Sent Events. The host subscribes to the engine once and fans every
 * event out to each open stream, so a dozen tabs cost one subscription.
 *
 * Wire format, per event: `id: <n>\ndata: <one-line JSON>\n\n` (default event type, so `EventSource.onmessage`
 * sees everything; the JSON's `type` says which event it is). Ids count from 1 per server run. A reconnecting
 * EventSource sends `Last-Event-ID`, and the events after it that are still buffered are replayed first; a client
 * should refetch `getState` on every (re)connect anyway. A `: heartbeat` comment every ~15 s keeps idle timers
 * and proxies from closing the stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostApi } from './types.js';

/** A client that stops reading is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

interface Stream {
  res: ServerResponse;
  heartbeat: NodeJS.Timeout;
}

export interface EventHubOptions {
  heartbeatMs: number;
  maxStreams: number;
  replayEvents: number;
  onError: (message: string) => void;
}

export class EventHub {
  private nextId = 1;
  private readonly recent: { id: number; frame: string }[] = [];
  private readonly streams = new Set<Stream>();
  private unsubscribe: (() => void) | null;

  constructor(
    api: HostApi,
    private readonly opts: EventHubOptions,
  ) {
    this.unsubscribe = api.subscribe((event) => this.publish(event));
  }

  /** Open streams right now. */
  get size(): number {
    return this.streams.size;
  }

  get full(): boolean {
    return this.streams.size >= this.opts.maxStreams;
  }

  private publish(event: unknown): void {
    let data: string;
    try {
      data = JSON.stringify(event);
    } catch (err) {
      this.opts.onError(`An event could not be serialised and was dropped: ${(err as Error).message}`);
      return;
    }
    if (data === undefined) return;
    const id = this.nextId++;
    const frame = `id: ${id}\ndata: ${data}\n\n`;
    this.recent.push({ id, frame });
    if (this.recent.length > this.opts.replayEvents) this.recent.shift();
    for (const s of this.streams) this.write(s, frame);
  }

  private write(s: Stream, text: string): void {
    if (s.res.writableLength > MAX_BUFFERED_BYTES) {
      this.opts.onError('An event stream stopped reading; it was closed.');
      s.res.destroy();
      return;
    }
    s.res.write(text);
  }

  /** Starts a stream on an authorised GET; the caller has checked `full`. */
  open(req: IncomingMessage, res: ServerResponse): void {
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const heartbeat = setInterval(() => this.write(stream, ': heartbeat\n\n'), this.opts.heartbeatMs);
    const stream: Stream = { res, heartbeat };
    this.streams.add(stream);
    const cleanup = () => {
      clearInterval(heartbeat);
      this.streams.delete(stream);
    };
    res.on('close', cleanup);
    res.on('error', cleanup);
    let first = 'retry: 3000\n: connected\n\n';
    const last = Number(req.headers['last-event-id']);
    if (Number.isInteger(last) && last > 0) for (const e of this.recent) if (e.id > last) first += e.frame;
    this.write(stream, first);
  }

  /** Ends every stream and stops listening to the engine. */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const s of this.streams) {
      clearInterval(s.heartbeat);
      s.res.end();
    }
    this.streams.clear();
  }
}
