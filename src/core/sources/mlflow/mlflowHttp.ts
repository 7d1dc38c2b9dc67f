import { SourceError } from '../sourceUri';
import { oneLine } from '../untrusted';

/**
 * Calls to an MLflow tracking server's REST API (2.0) with Node's own fetch: authentication, a time limit per
 * request, retries with back-off for what may pass (network errors, 429, 5xx), and clear messages for what will not
 * (401, 403, a page that is not JSON).
 */

export interface MlflowHttpOptions {
  /** The API root: the server URL with its path, e.g. http://host:5000 or https://x.cloud.databricks.com. */
  base: string;
  /** Shown in messages: the source's id. */
  label: string;
  /** An Authorization header value, when the server needs one. */
  authorization?: string;
  /** Where the credentials came from, for the 401 message (e.g. "MLFLOW_TRACKING_USERNAME/PASSWORD"). */
  authFrom?: string;
  /** Attempts for a retryable failure (default 4) and the first back-off in ms (default 250, doubling). */
  attempts?: number;
  backoffMs?: number;
  /** Time limit of one request in ms (default 30 s). */
  timeoutMs?: number;
}

/** A non-retryable answer of the server (401, 403, 404, 400, a page that is not JSON). */
export class MlflowHttpError extends SourceError {
  constructor(
    message: string,
    readonly status?: number,
    /** The `error_code` of MLflow's (and Databricks') error body, e.g. ENDPOINT_NOT_FOUND, when it had one. */
    readonly errorCode?: string,
  ) {
    super(message);
  }
}

/** A GET's query (a list is sent as the name repeated: `run_ids=a&run_ids=b`) or a POST's JSON body. */
export type MlflowRequestBody =
  { get: Record<string, string | number | readonly string[] | undefined> } | { post: unknown };

/** GETs or POSTs one API call and returns the parsed JSON object. */
export async function mlflowCall(
  opts: MlflowHttpOptions,
  endpoint: string,
  body: MlflowRequestBody,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  const attempts = opts.attempts ?? 4;
  let wait = opts.backoffMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    let retryable: string;
    let retryAfter: number | undefined;
    try {
      const res = await send(opts, endpoint, body, signal);
      const text = await res.text();
      if (res.ok) return parsePage(opts, endpoint, text);
      // 501 Not Implemented is an answer, not a passing failure (an endpoint this server does not have).
      if (res.status === 429 || (res.status >= 500 && res.status !== 501)) {
        retryable = `${res.status} ${res.statusText || ''}`.trim() + serverMessage(text);
        retryAfter = Number(res.headers.get('retry-after')) * 1000 || undefined;
      } else throw refused(opts, endpoint, res.status, text);
    } catch (err) {
      if (err instanceof MlflowHttpError || signal?.aborted) throw err;
      retryable = networkText(err);
    }
    if (attempt >= attempts)
      throw new SourceError(`${opts.label}: ${endpoint} failed after ${attempts} attempts: ${retryable}`);
    await sleep(Math.min(retryAfter ?? wait, 10_000), signal);
    wait *= 2;
  }
}

async function send(
  opts: MlflowHttpOptions,
  endpoint: string,
  body: MlflowRequestBody,
  signal?: AbortSignal,
): Promise<Response> {
  const url = new URL(`${opts.base.replace(/\/$/, '')}/api/2.0/mlflow/${endpoint}`);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.authorization) headers.authorization = opts.authorization;
  const limit = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  const init: RequestInit = { headers, signal: signal ? AbortSignal.any([signal, limit]) : limit };
  if ('get' in body) {
    for (const [k, v] of Object.entries(body.get))
      if (Array.isArray(v)) for (const x of v as readonly string[]) url.searchParams.append(k, x);
      else if (v !== undefined) url.searchParams.set(k, String(v));
  } else {
    init.method = 'POST';
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body.post);
  }
  return fetch(url, init);
}

function parsePage(opts: MlflowHttpOptions, endpoint: string, text: string): Record<string, unknown> {
  let page: unknown;
  try {
    page = JSON.parse(text);
  } catch {
    throw new MlflowHttpError(`${opts.label}: ${endpoint} answered with a page that is not JSON: ${preview(text)}`);
  }
  if (!page || typeof page !== 'object' || Array.isArray(page))
    throw new MlflowHttpError(`${opts.label}: ${endpoint} answered with JSON that is not an object: ${preview(text)}`);
  return page as Record<string, unknown>;
}

function refused(opts: MlflowHttpOptions, endpoint: string, status: number, text: string): MlflowHttpError {
  const how = opts.authFrom ? `the credentials from ${opts.authFrom} were refused` : 'the server asks for credentials';
  const hint =
    'give them in the URI (mlflow+https://user@host, password in MLFLOW_TRACKING_PASSWORD), with MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN (DATABRICKS_TOKEN), or with "Runlens: Add Source…"';
  const code = errorCode(text);
  const said = serverMessage(text);
  if (status === 401)
    return new MlflowHttpError(`${opts.label}: 401 Unauthorized — ${how}; ${hint}${said}`, status, code);
  // Databricks answers a wrong token with 403 too: say where the token came from.
  const whose = opts.authFrom ? `, or the credentials from ${opts.authFrom} were refused` : '';
  if (status === 403)
    return new MlflowHttpError(
      `${opts.label}: 403 Forbidden — the user may not read ${endpoint.split('/')[0]}${whose}${said}`,
      status,
      code,
    );
  return new MlflowHttpError(`${opts.label}: ${endpoint} answered ${status}${said}`, status, code);
}

/** The `error_code` of an error body (`{ "error_code": "RESOURCE_DOES_NOT_EXIST", "message": … }`), if any. */
function errorCode(text: string): string | undefined {
  try {
    const c = (JSON.parse(text) as { error_code?: unknown }).error_code;
    return typeof c === 'string' && /^[A-Z_]{1,64}$/.test(c) ? c : undefined;
  } catch {
    return undefined;
  }
}

/** MLflow's error body is `{ error_code, message }`; anything else is shown cut short. */
function serverMessage(text: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === 'string' && m) return `: ${oneLine(m.slice(0, 300))}`;
  } catch {
    // not JSON: below
  }
  return text.trim() ? `: ${preview(text)}` : '';
}

function preview(text: string): string {
  const t = oneLine(text);
  return JSON.stringify(t.length > 80 ? `${t.slice(0, 80)}…` : t);
}

/** fetch's "fetch failed" says nothing: its cause has the code (ECONNREFUSED, ENOTFOUND, …). */
function networkText(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer within the time limit';
  if (cause && typeof cause.code === 'string') return `cannot connect (${cause.code})`;
  if (cause && typeof cause.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
