import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent, type Dispatcher } from 'undici';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { outgoingTraceHeaders } from '@herald/tracing';
import { checkDestinationUrl, guardedLookup, UnsafeDestinationError, type DestinationPolicy } from './destination-guard';

/** What came of one HTTP attempt, before any retry policy is applied. */
export type SendResult =
  | { kind: 'response'; statusCode: number; latencyMs: number; body: string; retryAfterMs: number }
  | { kind: 'error'; latencyMs: number; error: string; timedOut: boolean }
  /** Never contacted: the destination is not allowed (scheme, or an address that is not public). */
  | { kind: 'refused'; latencyMs: 0; error: string };

const MAX_LOGGED_BODY = 4096;
/** URLs whose check is remembered; past this the memory starts over (URLs with a path per event would grow it). */
const MAX_CHECKED_URLS = 10_000;

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** Seconds or an HTTP date, as RFC 9110 allows; 0 when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return 0;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? 0 : Math.max(0, date - now);
}

/** What an attempt got back: status, headers and the first bytes of the body. */
interface Answer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One attempt as undici's dispatch handler: it keeps the status, the headers and at most `limit` bytes of the body,
 * discarding the rest as it arrives, so a huge answer costs no memory. Our own handler rather than undici's
 * `request()`: the response stream, the request handler and the abort signal it builds per attempt were ~5 % of the
 * sender in a burst. `timeOut` ends the attempt wherever it is, also while it still waits for a connection.
 */
class BoundedAnswer implements Dispatcher.DispatchHandler {
  readonly done: Promise<Answer>;
  timedOut = false;
  private resolve!: (answer: Answer) => void;
  private reject!: (error: Error) => void;
  private controller: Dispatcher.DispatchController | undefined;
  private statusCode = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly limit: number,
    private readonly timeoutMs: number,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  timeOut(): void {
    this.timedOut = true;
    if (this.controller) this.controller.abort(this.timeoutError());
    else this.reject(this.timeoutError()); // still queued for a connection: aborted as soon as it gets one
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.timedOut) controller.abort(this.timeoutError());
    else this.controller = controller;
  }

  private timeoutError(): Error {
    return new Error(`timed out after ${this.timeoutMs} ms`);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.statusCode = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.size < this.limit) this.chunks.push(chunk.subarray(0, this.limit - this.size));
    this.size += chunk.length;
  }

  onResponseEnd(): void {
    // Postgres text cannot hold NUL; the log keeps the rest of the answer.
    this.resolve({ statusCode: this.statusCode, headers: this.headers, body: Buffer.concat(this.chunks).toString('utf8').replaceAll('\u0000', '') });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.reject(error);
  }
}

/**
 * POSTs with one pooled undici agent shared by every destination. Redirects are never
 * followed: a 3xx is an answer like any other non-2xx. Every connection resolves through the
 * destination guard, so a private or metadata address is refused whatever DNS says today.
 */
@Injectable()
export class HttpSender implements OnApplicationShutdown {
  private readonly agent: Agent;
  private readonly policy: DestinationPolicy;
  /**
   * checkDestinationUrl's answer per URL: the parsed URL, or why it is refused. It reads no DNS (the socket's lookup
   * checks addresses), so it holds for as long as the URL does, and parsing the URL and its IP literal again for
   * every delivery was ~2 % of the sender's CPU.
   */
  private readonly checkedUrls = new Map<string, URL | UnsafeDestinationError>();

  constructor(@Inject(HERALD_CONFIG) config: HeraldConfig) {
    this.policy = { allowLoopback: config.HERALD_ALLOW_LOOPBACK_DESTINATIONS };
    this.agent = new Agent({
      connections: 64,
      keepAliveTimeout: 30_000,
      connectTimeout: config.HERALD_WEBHOOK_TIMEOUT_MS,
      connect: { lookup: guardedLookup(this.policy) },
    });
  }

  async post({ url, headers, body, timeoutMs }: HttpRequest): Promise<SendResult> {
    const checked = this.check(url);
    if (checked instanceof UnsafeDestinationError) return { kind: 'refused', latencyMs: 0, error: `destination refused: ${checked.message}` };
    // Sent in a trace, the request names the active span as its receiver's parent.
    const trace = outgoingTraceHeaders();
    const started = performance.now();
    const answer = new BoundedAnswer(MAX_LOGGED_BODY, timeoutMs);
    const timer = setTimeout(() => answer.timeOut(), timeoutMs);
    try {
      // undici 7 follows no redirects unless a redirect interceptor is added; we add none.
      this.agent.dispatch(
        { origin: checked.origin, path: checked.search ? `${checked.pathname}${checked.search}` : checked.pathname, method: 'POST', headers: trace ? { ...headers, ...trace } : headers, body },
        answer,
      );
      const { statusCode, headers: answered, body: text } = await answer.done;
      return { kind: 'response', statusCode, latencyMs: Math.round(performance.now() - started), body: text, retryAfterMs: parseRetryAfter(answered['retry-after']) };
    } catch (error) {
      const refusal = findRefusal(error);
      if (refusal) return { kind: 'refused', latencyMs: 0, error: `destination refused: ${refusal.message}` };
      const { timedOut } = answer;
      return {
        kind: 'error',
        latencyMs: Math.round(performance.now() - started),
        error: timedOut ? `timed out after ${timeoutMs} ms` : describe(error),
        timedOut,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private check(url: string): URL | UnsafeDestinationError {
    let checked = this.checkedUrls.get(url);
    if (checked === undefined) {
      try {
        checked = checkDestinationUrl(url, this.policy);
      } catch (error) {
        if (!(error instanceof UnsafeDestinationError)) throw error;
        checked = error;
      }
      if (this.checkedUrls.size >= MAX_CHECKED_URLS) this.checkedUrls.clear();
      this.checkedUrls.set(url, checked);
    }
    return checked;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

function findRefusal(error: unknown): UnsafeDestinationError | undefined {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof UnsafeDestinationError) return e;
  return undefined;
}
