// A host shaped like a remote one (RUNLENS_REMOTE_SHAPED=1): code-server — and so the extension host — runs in a
// network namespace of its own, joined to the test's namespace by a veth pair on a 10.x /30; the browser stays in
// the test's namespace and reaches the workbench at 10.x, never at 127.0.0.1. An extension that assumed the UI and
// the extension host share localhost (a `localhost` URL, a `file:` resource) breaks here as it would over
// Remote-SSH or in a dev container. Needs root and iproute2 (`ip netns`); `unavailable()` says why not in one line.
'use strict';
const { spawnSync } = require('node:child_process');
const net = require('node:net');
const { which } = require('./setup');

const ENV = 'RUNLENS_REMOTE_SHAPED';

/** Whether this run asked for the remote-shaped host. */
function remoteShaped() {
  return process.env[ENV] === '1';
}

/** @param {string[]} args */
function ip(args) {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`ip ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/**
 * Why a namespace cannot be made here (not root, no iproute2, `ip netns add` refused), or undefined when it can:
 * tried for real with a namespace that is removed at once.
 * @returns {string | undefined}
 */
function unavailable() {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'needs root (ip netns)';
  if (!which('ip')) {
    if (!which('apt-get')) return 'no `ip` command (install iproute2)';
    console.log('remote-shaped host: apt-get install iproute2');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [
      ['update', '-qq'],
      ['install', '-y', '-qq', 'iproute2'],
    ])
      spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (!which('ip')) return 'no `ip` command, and apt-get could not install iproute2';
  }
  const name = `rlprobe${process.pid}`;
  try {
    ip(['netns', 'add', name]);
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
  try {
    ip(['netns', 'del', name]);
  } catch {
    /* gone with the process at worst */
  }
  return undefined;
}

/**
 * @typedef {object} Netns
 * @property {string} name       the namespace code-server runs in
 * @property {string} serverIp   its address (the workbench URL's host)
 * @property {string} clientIp   the test namespace's end of the veth pair (where the browser's requests come from)
 * @property {(argv: string[]) => string[]} wrap  argv → the same command run inside the namespace
 * @property {() => void} dispose
 */

/**
 * A namespace with loopback up and one veth pair to the caller's namespace. The /30 is picked from the process id
 * so parallel test runs do not collide.
 * @returns {Netns}
 */
function createNetns() {
  const pid = process.pid;
  const name = `rl${pid}`;
  const hostIf = `rl${pid}h`;
  const nsIf = `rl${pid}n`;
  const base = `10.213.${(pid >> 6) & 255}.${(pid & 63) * 4}`.split('.').map(Number);
  const addr = (/** @type {number} */ n) => `${base[0]}.${base[1]}.${base[2]}.${base[3] + n}`;
  const clientIp = addr(1);
  const serverIp = addr(2);
  const dispose = () => {
    for (const args of [
      ['netns', 'del', name],
      ['link', 'del', hostIf],
    ]) {
      try {
        ip(args);
      } catch {
        /* deleting the namespace took the pair with it */
      }
    }
  };
  try {
    ip(['netns', 'add', name]);
    ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    ip(['link', 'set', nsIf, 'netns', name]);
    ip(['addr', 'add', `${clientIp}/30`, 'dev', hostIf]);
    ip(['link', 'set', hostIf, 'up']);
    ip(['-n', name, 'addr', 'add', `${serverIp}/30`, 'dev', nsIf]);
    ip(['-n', name, 'link', 'set', nsIf, 'up']);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (e) {
    dispose();
    throw e;
  }
  return { name, serverIp, clientIp, wrap: (argv) => ['ip', 'netns', 'exec', name, ...argv], dispose };
}

/**
 * Whether something in this namespace answers on 127.0.0.1:port (in the remote shape, code-server's port must not).
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function answersOnLoopback(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.setTimeout(2000);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('timeout', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(false));
  });
}

module.exports = { ENV, remoteShaped, unavailable, createNetns, answersOnLoopback };
