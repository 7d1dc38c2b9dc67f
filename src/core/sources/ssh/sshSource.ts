// Runs on a host over SSH, read by the Runlens CLI installed there: `index --json --since` for the runs (only what
// changed after the first read crosses the network) and `series --json --from` for curves (only appended points).
import { createHash } from 'node:crypto';
import type { Diagnostic, Run, Series } from '../../model';
import { withOrder } from '../../series';
import type { RemoteSnapshot, RemoteSource } from '../remoteSource';
import { parseSshUri, type SshLocation } from './sshUri';
import { shellWord, sshExec, SshExecError, type SshExecOptions, type SshResult } from './sshExec';
import { parseDelta, parseSeries, WireError } from './wire';
import { oneLine } from '../untrusted';

/** Options of an SSH source; every one has a default that suits a host with `runlens` on its PATH. */
export interface SshSourceOptions {
  /** The ssh program (default `ssh` on the PATH). The user's ~/.ssh/config, keys, agent and jump hosts apply. */
  ssh?: string;
  /** More ssh options, before the host: e.g. ['-F', '/path/config'] or ['-i', '/path/key', '-J', 'bastion']. */
  sshArgs?: readonly string[];
  /** How the CLI is started on the host, a shell line (default `runlens`), e.g. `node ~/runlens/dist/cli.js`. */
  remoteCommand?: string;
  /** Keep the host's index in its ~/.cache/runlens between calls (`--cache`; default true): a refresh re-reads
   *  only the files that changed there. False: every call indexes the folder from scratch, writing nothing. */
  hostCache?: boolean;
  /** One call's limit, connection and the host's index pass included (default 120 s). */
  timeoutMs?: number;
  /** ssh's ConnectTimeout (default 10 s). */
  connectTimeoutS?: number;
  /** Largest reply read (default 512 MB). */
  maxBytes?: number;
  /** Environment of ssh (default this process's: SSH_AUTH_SOCK reaches the agent). */
  env?: NodeJS.ProcessEnv;
}

/** What the last call moved: tests and the bench read it. */
export interface SshTransfer {
  verb: 'index' | 'series';
  bytesIn: number;
  bytesOut: number;
  /** index: runs sent whole (new or changed) and runs the host holds. series: points received. */
  sent: number;
  total: number;
}

/** Why a call to the host failed, in words for the user; refresh and readSeries reject with it. */
export class SshSourceError extends Error {
  override name = 'SshSourceError' as const;
}

type SourcedRun = Run & { source?: string | null };
type CachedSeries = Series;

export function createSshSource(uri: string, opts: SshSourceOptions = {}): SshSource {
  return new SshSource(parseSshUri(uri), opts);
}

export class SshSource implements RemoteSource {
  readonly kind = 'ssh' as const;
  readonly id: string;
  /** What the last call to the host moved. */
  lastTransfer: SshTransfer | undefined;
  private readonly exec: SshExecOptions;
  private readonly remoteCommand: string;
  private readonly cacheFlag: string;
  /** Prefixed to the host's run ids: runs of two sources (or a local folder) never share an id. */
  private readonly prefix: string;
  private token = '';
  /** Runs by the host's id, already carrying this source's ids. */
  private runs = new Map<string, SourcedRun>();
  private diagnostics: Diagnostic[] = [];
  private readonly curves = new Map<string, Map<string, CachedSeries>>();
  /** Calls that change the cursor run one at a time, so two refreshes cannot interleave their tokens. */
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  /** Aborted by dispose: an ssh call in flight is stopped rather than left to its time limit. */
  private readonly closed = new AbortController();

  constructor(
    private readonly where: SshLocation,
    opts: SshSourceOptions,
  ) {
    this.id = where.id;
    this.prefix = `ssh-${createHash('sha1').update(where.id).digest('hex').slice(0, 6)}-`;
    this.remoteCommand = opts.remoteCommand ?? 'runlens';
    this.cacheFlag = opts.hostCache === false ? '' : ' --cache';
    this.exec = {
      ssh: opts.ssh ?? 'ssh',
      sshArgs: opts.sshArgs ?? [],
      connectTimeoutS: opts.connectTimeoutS ?? 10,
      timeoutMs: opts.timeoutMs ?? 120_000,
      maxBytes: opts.maxBytes ?? 512 * 1024 * 1024,
      env: opts.env,
    };
  }

  refresh(signal?: AbortSignal): Promise<RemoteSnapshot> {
    return this.serial(() => this.fetchRuns(signal));
  }

  async readSeries(run: Run, keys: readonly string[] | undefined, signal?: AbortSignal): Promise<Series[]> {
    const hostId = this.hostId(run.id);
    if (hostId === undefined) return [];
    const wanted = keys ?? Object.keys(run.metrics);
    const cached = this.curves.get(run.id) ?? new Map<string, CachedSeries>();
    // A curve is whole when it has as many points as the run's summary counts (the summary came with the last
    // refresh); the rest are asked for from the fewest points held, so an appended curve sends only its new end.
    const stale = wanted.filter((k) => cached.get(k)?.values.length !== run.metrics[k]?.count);
    if (stale.length) {
      const from = Math.min(...stale.map((k) => cached.get(k)?.values.length ?? 0), Infinity);
      const got = await this.fetchSeries(
        run.id,
        hostId,
        keys ? stale : undefined,
        from === Infinity ? 0 : from,
        signal,
      );
      for (const s of got) cached.set(s.key, s);
      this.curves.set(run.id, cached);
    }
    const out: Series[] = [];
    for (const k of keys ?? [...cached.keys()]) {
      const s = cached.get(k);
      if (s) out.push(s);
    }
    return out;
  }

  dispose(): void {
    this.disposed = true;
    this.closed.abort();
    this.runs.clear();
    this.curves.clear();
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const next = this.queue.then(f, f);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private hostId(runId: string): string | undefined {
    return runId.startsWith(this.prefix) ? runId.slice(this.prefix.length) : undefined;
  }

  private async fetchRuns(signal: AbortSignal | undefined, token = this.token): Promise<RemoteSnapshot> {
    const command = `${this.remoteCommand} index ${shellWord(this.where.path)} --json --since -${this.cacheFlag}`;
    const res = await this.call('index', command, token, signal);
    let parsed: ReturnType<typeof parseDelta>;
    try {
      parsed = parseDelta(res.stdout);
    } catch (e) {
      throw this.replyError(e, res);
    }
    const changed = new Map(parsed.runs.map((r) => [r.id, r]));
    const next = new Map<string, SourcedRun>();
    for (const hostId of parsed.delta.ids) {
      const run = changed.get(hostId);
      const kept = run ? this.sourced(run) : this.runs.get(hostId);
      // The host took a run as known that this side does not hold (its cursor and ours differ): read all again.
      if (!kept) {
        if (token !== '') return this.fetchRuns(signal, '');
        continue;
      }
      next.set(hostId, kept);
    }
    if (this.disposed) throw new SshSourceError(`${this.id}: the source was closed`);
    for (const id of this.curves.keys()) {
      const hostId = this.hostId(id);
      if (hostId !== undefined && !next.has(hostId)) this.curves.delete(id);
    }
    this.runs = next;
    this.token = parsed.delta.token;
    this.diagnostics = [...parsed.problems, ...parsed.delta.diagnostics];
    this.lastTransfer = {
      verb: 'index',
      bytesIn: res.bytesIn,
      bytesOut: res.bytesOut,
      sent: parsed.runs.length,
      total: next.size,
    };
    return { runs: [...next.values()], diagnostics: [...this.diagnostics] };
  }

  private async fetchSeries(
    runId: string,
    hostId: string,
    keys: readonly string[] | undefined,
    from: number,
    signal: AbortSignal | undefined,
  ): Promise<Series[]> {
    const metricArgs = (keys ?? []).map((k) => `--metric ${shellWord(k)}`).join(' ');
    const command =
      `${this.remoteCommand} series ${shellWord(this.where.path)} ${shellWord(hostId)} --json --from ${from}${this.cacheFlag}` +
      (metricArgs ? ` ${metricArgs}` : '');
    const res = await this.call('series', command, '', signal);
    let parsed: ReturnType<typeof parseSeries>;
    try {
      parsed = parseSeries(res.stdout);
    } catch (e) {
      throw this.replyError(e, res);
    }
    const cached = this.curves.get(runId);
    const out: Series[] = [];
    let refetch = false;
    for (const s of parsed.series) {
      const held = cached?.get(s.key);
      let merged: Series;
      if (s.from === 0) merged = { runId, key: s.key, steps: s.steps, values: s.values, times: s.times };
      else if (held && held.values.length >= s.from && s.total >= held.values.length) {
        merged = {
          runId,
          key: s.key,
          steps: concat(held.steps, s.from, s.steps),
          values: concat(held.values, s.from, s.values),
          times: concat(held.times, s.from, s.times),
        };
      } else {
        // The curve shrank or was rewritten (it is not an append): read it whole.
        refetch = true;
        break;
      }
      out.push(withOrder(merged));
    }
    this.lastTransfer = {
      verb: 'series',
      bytesIn: res.bytesIn,
      bytesOut: res.bytesOut,
      sent: parsed.series.reduce((n, s) => n + s.values.length, 0),
      total: parsed.series.reduce((n, s) => n + s.total, 0),
    };
    return refetch && from > 0 ? this.fetchSeries(runId, hostId, keys, 0, signal) : out;
  }

  private sourced(run: Run): SourcedRun {
    return {
      ...run,
      id: this.prefix + run.id,
      parentId: run.parentId === null ? null : this.prefix + run.parentId,
      source: this.id,
    };
  }

  /** One call; a failed one becomes an SshSourceError saying what to do. */
  private async call(verb: string, command: string, input: string, signal?: AbortSignal): Promise<SshResult> {
    let res: SshResult;
    try {
      const sig = signal ? AbortSignal.any([signal, this.closed.signal]) : this.closed.signal;
      res = await sshExec(this.where, command, input, this.exec, sig);
    } catch (e) {
      throw new SshSourceError(`${this.id}: ${e instanceof SshExecError ? e.message : String(e)}`);
    }
    if (res.code === 0) return res;
    throw new SshSourceError(`${this.id}: ${failureText(verb, res, this.remoteCommand)}`);
  }

  private replyError(e: unknown, res: SshResult): SshSourceError {
    const why = e instanceof WireError ? e.message : String(e);
    const said = lastLine(res.stderr);
    return new SshSourceError(
      `${this.id}: the host's \`${this.remoteCommand}\` gave output Runlens cannot read: ${why}${said ? ` (it said: ${said})` : ''}`,
    );
  }
}

/** Words for an exit code of `ssh host command`. */
function failureText(verb: string, res: SshResult, remoteCommand: string): string {
  const said = lastLine(res.stderr);
  if (res.code === 255) return `cannot reach the host: ${said || 'ssh failed'}`;
  if (res.code === 127 || res.code === 126)
    return (
      `the Runlens CLI was not found on the host (\`${remoteCommand}\`${said ? `: ${said}` : ''}). Install it there ` +
      '(it needs only Node 20+): `npm install -g runlens`, or copy the tarball `npm pack` makes and ' +
      '`npm install -g runlens-<version>.tgz`; or set the source\'s remoteCommand, e.g. "node /opt/runlens/dist/cli.js"'
    );
  if (res.code === 2 && /unknown (option|command)/.test(said))
    return `the Runlens CLI on the host is too old for \`${verb}\` (${said}): install this version there`;
  return `\`${remoteCommand} ${verb}\` failed on the host (exit ${String(res.code)}): ${said || 'no message'}`;
}

/** The host's last line of stderr, made safe to show (a login script or the host's shell may print anything). */
function lastLine(text: string): string {
  const lines = text.trim().split(/\r?\n/);
  return oneLine(lines.at(-1) ?? '', 300);
}

function concat(head: Float64Array, keep: number, tail: Float64Array): Float64Array {
  const out = new Float64Array(keep + tail.length);
  out.set(head.subarray(0, keep), 0);
  out.set(tail, keep);
  return out;
}
