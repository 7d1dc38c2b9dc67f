// One command on a host through the user's own `ssh` binary: their config, keys, agent and jump hosts apply as in a
// terminal. BatchMode keeps ssh from ever asking for a password or a host-key confirmation (there is no terminal to
// answer it): such a host fails at once with ssh's own message, which the error passes on.
import { spawn } from 'node:child_process';

export interface SshTarget {
  host: string;
  user?: string;
  port?: number;
}

export interface SshExecOptions {
  /** The ssh binary (default `ssh` on the PATH). */
  ssh: string;
  /** Options before the host, e.g. ['-F', '/path/to/config', '-i', '/path/to/key']. */
  sshArgs: readonly string[];
  connectTimeoutS: number;
  /** The whole call, connection included; then ssh is stopped. */
  timeoutMs: number;
  /** Stop reading (and the call) past this many bytes of output: a runaway remote command cannot fill memory. */
  maxBytes: number;
  env?: NodeJS.ProcessEnv;
}

export interface SshResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Bytes received on stdout and sent on stdin: what the call moved over the network (before ssh's compression). */
  bytesIn: number;
  bytesOut: number;
}

/** The call itself could not be made or finished: no ssh, timed out, stopped, too much output. */
export class SshExecError extends Error {
  override name = 'SshExecError' as const;
}

/** Runs `command` (one shell line, quoted by the caller) on the host; resolves with its exit code and output. */
export function sshExec(
  target: SshTarget,
  command: string,
  input: string,
  opts: SshExecOptions,
  signal?: AbortSignal,
): Promise<SshResult> {
  const args = [
    ...['-o', 'BatchMode=yes', '-o', `ConnectTimeout=${opts.connectTimeoutS}`, '-T'],
    ...(target.port ? ['-p', String(target.port)] : []),
    ...(target.user ? ['-l', target.user] : []),
    ...opts.sshArgs,
    // "--": the host is data from a setting, never an option (a host "-oProxyCommand=…" would run a command).
    '--',
    target.host,
    command,
  ];
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new SshExecError('stopped'));
    const child = spawn(opts.ssh, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytesIn = 0;
    let failure: string | undefined;
    const stop = (why: string): void => {
      failure ??= why;
      child.kill('SIGTERM');
    };
    const timer = setTimeout(() => stop(`no answer within ${Math.round(opts.timeoutMs / 1000)} s`), opts.timeoutMs);
    const onAbort = (): void => stop('stopped');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (b: Buffer) => {
      bytesIn += b.length;
      if (bytesIn > opts.maxBytes) stop(`more than ${opts.maxBytes} bytes of output`);
      else out.push(b);
    });
    // stderr is for messages: only its end matters.
    child.stderr.on('data', (b: Buffer) => {
      err.push(b);
      if (err.length > 64) err.splice(0, err.length - 64);
    });
    // A host that closes the session before reading its input: the write fails, the exit code says why.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      failure ??=
        e.code === 'ENOENT' ? `no ssh program "${opts.ssh}" (install OpenSSH's client, or name it)` : e.message;
      // ssh never started: no 'close' may follow.
      if (child.pid === undefined && settle()) reject(new SshExecError(failure));
    });
    child.on('close', (code) => {
      if (!settle()) return;
      if (failure) return reject(new SshExecError(failure));
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        bytesIn,
        bytesOut: Buffer.byteLength(input),
      });
    });
  });
}

/** A word for a POSIX shell: single-quoted (the remote side of ssh always runs the command through a shell). */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
