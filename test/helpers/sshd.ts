// A real OpenSSH server for the SSH source's tests: Debian's sshd on a free loopback port, with a host key and a
// user key made here (ssh-keygen), its own sshd_config, and a client config the source passes with `ssh -F`. Nothing
// of the machine's own ssh set-up is read or changed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeTemp, rmTemp } from './tmp';

const SSHD_CANDIDATES = ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/usr/bin/sshd'];

export interface TestSshd {
  /** The Host alias the client config names: `ssh://runlens-test/<path>`. */
  host: string;
  port: number;
  /** `ssh -F` this: the host alias, the user key, the host key pinned. */
  clientConfig: string;
  /** Stops the server (listener and sessions); the client then meets "connection refused". */
  stop(): Promise<void>;
  /** Stops it and removes its keys and configs. */
  dispose(): Promise<void>;
}

/** The sshd binary, installing Debian's openssh-server when root and apt-get is there; or why there is none. */
export function findSshd(): { sshd: string } | { missing: string } {
  const found = (): string | undefined => SSHD_CANDIDATES.find((p) => fs.existsSync(p));
  let sshd = found();
  if (!sshd && process.getuid?.() === 0 && hasCommand('apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'openssh-server'], {
      env,
      stdio: 'ignore',
      timeout: 300_000,
    });
    sshd = found();
  }
  if (!sshd) return { missing: 'no sshd (install openssh-server: sudo apt-get install -y openssh-server)' };
  if (!hasCommand('ssh') || !hasCommand('ssh-keygen')) return { missing: 'no ssh or ssh-keygen (openssh-client)' };
  return { sshd };
}

export async function startSshd(sshd: string): Promise<TestSshd> {
  const dir = makeTemp('runlens-sshd-');
  const keygen = (file: string): void => {
    const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'runlens-test', '-f', file]);
    if (r.status !== 0) throw new Error(`ssh-keygen failed: ${String(r.stderr)}`);
  };
  keygen(path.join(dir, 'host_key'));
  keygen(path.join(dir, 'user_key'));
  fs.copyFileSync(path.join(dir, 'user_key.pub'), path.join(dir, 'authorized_keys'));
  const port = await freePort();
  const root = process.getuid?.() === 0;
  // sshd's privilege separation needs this folder when it runs as root (Debian makes it at boot, a container not).
  if (root) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const user = os.userInfo().username;
  fs.writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'host_key')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      `AllowUsers ${user}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The temp folder's modes are the test's, not a home's: do not refuse the keys for them.
      'StrictModes no',
      // Root may log in to this test server with the test's key only (never with a password).
      ...(root ? ['PermitRootLogin prohibit-password'] : []),
      'LogLevel ERROR',
    ].join('\n') + '\n',
  );
  const hostPub = fs.readFileSync(path.join(dir, 'host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  fs.writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
  const clientConfig = path.join(dir, 'ssh_config');
  fs.writeFileSync(
    clientConfig,
    [
      'Host runlens-test',
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${path.join(dir, 'user_key')}`,
      '  IdentitiesOnly yes',
      '  IdentityAgent none',
      `  UserKnownHostsFile ${path.join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  LogLevel ERROR',
    ].join('\n') + '\n',
  );
  // -D: stays in the foreground (a child of the test, stopped by it); -e: its log to stderr.
  const child = spawn(sshd, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  await waitListening(port, child, () => log);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await killAndWait(child);
  };
  return {
    host: 'runlens-test',
    port,
    clientConfig,
    stop,
    dispose: async () => {
      await stop();
      rmTemp(dir);
    },
  };
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitListening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${log().trim()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`sshd did not listen on 127.0.0.1:${port} within 15 s: ${log().trim()}`);
}

function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
