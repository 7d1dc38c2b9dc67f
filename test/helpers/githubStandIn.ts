import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';

/** A comment as the stand-in stores it. */
export interface StandInComment {
  id: number;
  body: string;
}

export interface StandIn {
  /** host:port, for GH_HOST (gh calls https://<host>/api/v3/… for hosts other than github.com). */
  host: string;
  /** The self-signed certificate to trust (SSL_CERT_FILE for gh, which is written in Go). */
  certFile: string;
  comments: Map<string, StandInComment[]>;
  /** Every request: method, path (with query), the Authorization header. */
  requests: Array<{ method: string; path: string; auth: string | undefined }>;
  close(): Promise<void>;
}

/**
 * A local stand-in for the three GitHub REST endpoints the action's comment step uses (there is no GitHub to talk
 * to here): list an issue's comments (paginated with a Link header, as GitHub does), create one, update one. Serves
 * HTTPS with a certificate made by openssl for 127.0.0.1. Answers 401 without `token <expected>`.
 */
export async function startGithubStandIn(dir: string, token: string, pageSize = 2): Promise<StandIn> {
  const key = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const comments = new Map<string, StandInComment[]>();
  const requests: StandIn['requests'] = [];
  let nextId = 1000;
  let port = 0;
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(certFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', `https://127.0.0.1:${port}`);
      requests.push({ method: req.method ?? '', path: url.pathname + url.search, auth: req.headers.authorization });
      const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `token ${token}`) return send(401, { message: 'Bad credentials' });
      const html = (c: StandInComment, repo: string, issue: string) => ({
        ...c,
        html_url: `https://github.example/${repo}/pull/${issue}#issuecomment-${c.id}`,
      });
      let m = /^\/api\/v3\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
      if (m && req.method === 'GET') {
        const list = comments.get(`${m[1]}#${m[2]}`) ?? [];
        const page = Number(url.searchParams.get('page') ?? '1');
        const slice = list.slice((page - 1) * pageSize, page * pageSize);
        const more = page * pageSize < list.length;
        return send(
          200,
          slice.map((c) => html(c, m![1]!, m![2]!)),
          more ? { link: `<https://127.0.0.1:${port}${url.pathname}?per_page=100&page=${page + 1}>; rel="next"` } : {},
        );
      }
      if (m && req.method === 'POST') {
        const c = { id: nextId++, body: String(JSON.parse(Buffer.concat(chunks).toString('utf8')).body) };
        comments.set(`${m[1]}#${m[2]}`, [...(comments.get(`${m[1]}#${m[2]}`) ?? []), c]);
        return send(201, html(c, m[1]!, m[2]!));
      }
      m = /^\/api\/v3\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (m && req.method === 'PATCH') {
        for (const [k, list] of comments) {
          const c = list.find((x) => x.id === Number(m![2]));
          if (c) {
            c.body = String(JSON.parse(Buffer.concat(chunks).toString('utf8')).body);
            return send(200, html(c, m[1]!, k.split('#')[1]!));
          }
        }
        return send(404, { message: 'Not Found' });
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  return {
    host: `127.0.0.1:${port}`,
    certFile,
    comments,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
