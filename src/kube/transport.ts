import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';

/**
 * One HTTP exchange with the API server, retried the way client-go's rest client does: a 429 or
 * 5xx answer and a dropped connection are tried again with backoff (Retry-After honoured), every
 * attempt has its own timeout so one hung request cannot hold the command, and an abort signal
 * (Ctrl-C, SIGTERM) cancels the request in flight at once.
 */

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  attempts: number;
  /** Timeout of each attempt. */
  attemptTimeoutMs: number;
  /** First backoff; doubled per attempt, with jitter, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, attemptTimeoutMs: 60_000, baseDelayMs: 250, maxDelayMs: 8_000 };

/** What the transport needs of a kubeconfig: the server, its TLS settings, and each request's auth headers. */
export interface Endpoint {
  server: URL;
  /** CA, client certificate and key, verification: fixed for the life of the command. */
  tls: Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'rejectUnauthorized' | 'servername'>;
  /** Per request: a bearer token from an exec plugin or a token file may rotate. */
  headers(): Promise<Record<string, string>>;
}

export interface Exchange {
  method: string;
  /** Path with query string. */
  path: string;
  body?: string;
  contentType?: string;
  signal?: AbortSignal;
}

/** The request never got an HTTP answer: refused, reset, timed out, DNS. `code` is Node's error code. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** The operation was interrupted by its signal (SIGINT/SIGTERM): never retried. */
export class AbortedError extends Error {
  constructor() {
    super('interrupted');
    this.name = 'AbortedError';
  }
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

export function retryDelayMs(attempt: number, policy: RetryPolicy, retryAfter?: string): number {
  const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  if (seconds !== undefined) return Math.min(seconds * 1000, 30_000);
  const exp = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
  return exp / 2 + Math.random() * (exp / 2);
}

/** Waits, or stops at once when the signal fires; the listener is removed either way. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new AbortedError());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class Transport {
  private readonly agent: HttpAgent | HttpsAgent;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly policy: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.agent = endpoint.server.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 16, ...endpoint.tls }) : new HttpAgent({ keepAlive: true, maxSockets: 16 });
  }

  close(): void {
    this.agent.destroy();
  }

  /** Sends with retries; the last answer (any status) or the last transport error comes back. */
  async send(x: Exchange): Promise<HttpAnswer> {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.policy.attempts; attempt++) {
      if (x.signal?.aborted) throw new AbortedError();
      try {
        const answer = await this.once(x);
        if (!RETRY_STATUS.has(answer.status) || attempt === this.policy.attempts - 1) return answer;
        await pause(retryDelayMs(attempt, this.policy, answer.headers['retry-after'] as string | undefined), x.signal);
        lastError = answer;
      } catch (err) {
        if (err instanceof AbortedError) throw err;
        lastError = err;
        // Refused from the first attempt on means no server there: say so instead of waiting.
        if (err instanceof TransportError && err.code === 'ECONNREFUSED' && attempt >= 2) throw err;
        if (attempt === this.policy.attempts - 1) throw err;
        await pause(retryDelayMs(attempt, this.policy), x.signal);
      }
    }
    throw lastError instanceof Error ? lastError : new TransportError('no answer', 'UNKNOWN');
  }

  private async once(x: Exchange): Promise<HttpAnswer> {
    const auth = await this.endpoint.headers();
    // Servers behind a proxy carry a path prefix (https://host/k8s/clusters/c-1): keep it.
    const base = this.endpoint.server;
    const url = new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${x.path}`);
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'inferctl', ...auth };
    if (x.body !== undefined) {
      headers['Content-Type'] = x.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(x.body));
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<HttpAnswer>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        x.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const req = send(url, { method: x.method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') })));
        res.on('error', (e) => finish(() => reject(new TransportError(`the connection broke while reading the answer: ${e.message}`, 'ECONNRESET'))));
      });
      const onAbort = () => {
        req.destroy();
        finish(() => reject(new AbortedError()));
      };
      const timer = setTimeout(() => {
        req.destroy();
        finish(() => reject(new TransportError(`no answer within ${Math.round(this.policy.attemptTimeoutMs / 1000)} s`, 'ETIMEDOUT')));
      }, this.policy.attemptTimeoutMs);
      x.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e: NodeJS.ErrnoException) => finish(() => reject(new TransportError(e.message, e.code ?? 'ECONNRESET'))));
      if (x.body !== undefined) req.write(x.body);
      req.end();
    });
  }
}
