import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';

/**
 * A real MLflow tracking server for the tests (the `mlflow` package, pinned in test/python/locks/mlflow-server.txt,
 * in the cached environment test/python/setup.mjs builds), started on 127.0.0.1 with a SQLite backend, optionally
 * with its basic-auth app; and a small proxy in front of it that can delay, break or cut its answers.
 */

// The checkout: three levels up from out/test/helpers, but found by looking, since scripts/ bundle this file elsewhere
// (scripts/demo.mjs `loadHelper` writes it to .runlens-tmp/).
const ROOT = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'test', 'python', 'setup.mjs'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '..', '..', '..');
  }
})();

/** The environment's python, or why there is none (the suite then skips in one line). */
export function mlflowServerPython(): { python: string } | { error: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'test', 'python', 'setup.mjs'), '--json', 'mlflow-server'], {
    encoding: 'utf8',
  });
  try {
    const out = (JSON.parse(r.stdout) as Record<string, { python?: string; error?: string }>)['mlflow-server'];
    if (out?.python) return { python: out.python };
    return { error: out?.error ?? 'no result' };
  } catch {
    return { error: (r.stderr || r.error?.message || 'setup.mjs failed').trim().split('\n').pop()! };
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The basic-auth app's admin (written into its config by `startMlflowServer`). */
export const ADMIN = { username: 'admin', password: 'runlens-admin-pw-1' };

/** Starts `mlflow server` in `dir` and resolves once its /health answers (under load this takes a while). */
export async function startMlflowServer(
  python: string,
  dir: string,
  opts: { basicAuth?: boolean } = {},
): Promise<RunningServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, MLFLOW_FLASK_SERVER_SECRET_KEY: 'runlens-test-secret' };
  const args = ['-m', 'mlflow', 'server', '--backend-store-uri', `sqlite:///${path.join(dir, 'mlflow.db')}`];
  args.push('--default-artifact-root', path.join(dir, 'artifacts'), '--host', '127.0.0.1', '--port', String(port));
  args.push('--workers', '1');
  if (opts.basicAuth) {
    const ini = path.join(dir, 'basic_auth.ini');
    fs.writeFileSync(
      ini,
      [
        '[mlflow]',
        'default_permission = READ',
        `database_uri = sqlite:///${path.join(dir, 'basic_auth.db')}`,
        `admin_username = ${ADMIN.username}`,
        `admin_password = ${ADMIN.password}`,
        'authorization_function = mlflow.server.auth:authenticate_request_basic_auth',
        '',
      ].join('\n'),
    );
    env.MLFLOW_AUTH_CONFIG_PATH = ini;
    args.push('--app-name', 'basic-auth');
  }
  const child = spawn(python, args, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 8 * 60_000;
  while (!(await healthy(url))) {
    if (child.exitCode !== null) throw new Error(`mlflow server exited (${child.exitCode}):\n${log}`);
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`mlflow server did not answer within 8 minutes:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, port, stop: () => stopChild(child) };
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/health`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

/** Stops the server and its workers (its own process group). */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      clearTimeout(t);
      resolve();
    }
  });
}

/** Runs one of the Python writer scripts with the environment's python; rejects with its stderr when it fails. */
export function runPython(python: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-3000)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args[0]} exited ${code}:\n${err}`))));
  });
}

/** What the proxy does to the next requests; changed by the test between calls. */
export interface ProxyFaults {
  /** Each answer waits this long before it is sent. */
  delayMs?: number;
  /** Only answers to requests whose path contains this wait delayMs (all do when unset). */
  delayFor?: string;
  /** Answers requests whose path contains this with 200 and a page that is not JSON. */
  garbageFor?: string;
  /** Answers every request with this status (e.g. 503), without asking the server. */
  status?: number;
  /** Answers requests whose path contains this with 404 and the HTML page an older server's web framework sends. */
  notFoundFor?: string;
  /** How many requests may still be faulted (status / garbage); unlimited when unset. */
  times?: number;
}

/** A proxy of ours in front of the server: the faults a real network and a real server have, on demand. */
export async function startFaultProxy(
  target: string,
): Promise<{ url: string; faults: ProxyFaults; requests: string[]; close(): Promise<void> }> {
  const faults: ProxyFaults = {};
  const requests: string[] = [];
  const to = new URL(target);
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const faulted = faults.times === undefined || faults.times > 0;
      const answer = (): void => {
        if (faults.status && faulted) {
          if (faults.times !== undefined) faults.times--;
          res.writeHead(faults.status, { 'content-type': 'text/plain' }).end('service unavailable');
          return;
        }
        if (faults.notFoundFor && req.url?.includes(faults.notFoundFor)) {
          res
            .writeHead(404, { 'content-type': 'text/html; charset=utf-8' })
            .end('<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n');
          return;
        }
        if (faults.garbageFor && req.url?.includes(faults.garbageFor) && faulted) {
          if (faults.times !== undefined) faults.times--;
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"runs": [ <html>proxy error</html>');
          return;
        }
        const up = http.request(
          { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        up.on('error', () => res.writeHead(502).end('bad gateway'));
        up.end(Buffer.concat(chunks));
      };
      if (faults.delayMs && (!faults.delayFor || req.url?.includes(faults.delayFor)))
        setTimeout(answer, faults.delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
