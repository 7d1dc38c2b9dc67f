import * as http from 'node:http';
import type * as net from 'node:net';

/**
 * A loopback stand-in for a Databricks workspace, in front of a real `mlflow server`: it does what a workspace does
 * differently from a self-hosted server on the one hop Runlens sees — a personal access token checked on every call
 * (`Authorization: Bearer dapi…`), only the REST API's `/api/2.0/mlflow/…` paths, errors as Databricks words them
 * (`{"error_code": "...", "message": "..."}`: 401 without a token, 403 with a wrong one, 404 ENDPOINT_NOT_FOUND, 429
 * REQUEST_LIMIT_EXCEEDED with Retry-After) — and passes everything else to the real server. It proves the source's
 * side of that hop; not Databricks' own behaviour beyond it (see docs/sources.md).
 */

export interface StandInControls {
  /** The next this many API calls are answered 429 REQUEST_LIMIT_EXCEEDED. */
  throttle: number;
  /** The Retry-After (seconds) of those answers. */
  retryAfterS: number;
  /** false: get-history-bulk-interval is answered 404 ENDPOINT_NOT_FOUND, as a service without it would. */
  bulkInterval: boolean;
}

export interface StandIn {
  url: string;
  controls: StandInControls;
  /** Each call: its path (no query), the status answered, and when (ms since the epoch). */
  calls: Array<{ path: string; status: number; at: number }>;
  close(): Promise<void>;
}

/** A made-up personal access token of the shape Databricks issues (dapi + 32 hex digits). */
export const STAND_IN_TOKEN = `dapi${'0123456789abcdef'.repeat(2)}`;

export async function startDatabricksStandIn(target: string, token = STAND_IN_TOKEN): Promise<StandIn> {
  const controls: StandInControls = { throttle: 0, retryAfterS: 1, bulkInterval: true };
  const calls: StandIn['calls'] = [];
  const to = new URL(target);
  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0]!;
    const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}): void => {
      calls.push({ path: pathname, status, at: Date.now() });
      res
        .writeHead(status, { 'content-type': 'application/json', ...headers })
        .end(JSON.stringify({ error_code: code, message }));
    };
    if (!pathname.startsWith('/api/2.0/mlflow/'))
      return fail(404, 'ENDPOINT_NOT_FOUND', `No API found for '${req.method} ${pathname}'`);
    const auth = req.headers.authorization;
    if (!auth || !/^Bearer\s+\S+$/i.test(auth))
      return fail(401, 'UNAUTHENTICATED', 'Credential was not sent or was of an unsupported type for this API.');
    if (auth.replace(/^Bearer\s+/i, '') !== token) return fail(403, 'PERMISSION_DENIED', 'Invalid access token.');
    if (controls.throttle > 0) {
      controls.throttle--;
      return fail(429, 'REQUEST_LIMIT_EXCEEDED', 'The workspace has exceeded its request limit. Please retry later.', {
        'retry-after': String(controls.retryAfterS),
      });
    }
    if (!controls.bulkInterval && pathname.endsWith('/metrics/get-history-bulk-interval'))
      return fail(404, 'ENDPOINT_NOT_FOUND', `No API found for '${req.method} ${pathname}'`);
    const headers = { ...req.headers, host: to.host };
    delete headers.authorization; // the real server behind has no auth of its own
    const up = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers }, (r) => {
      calls.push({ path: pathname, status: r.statusCode ?? 502, at: Date.now() });
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => fail(503, 'TEMPORARILY_UNAVAILABLE', 'The service is temporarily unavailable.'));
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    controls,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
