// `ssh://[user@]host[:port]/path`: the host as ssh names it (an alias of ~/.ssh/config works), and the folder of
// runs on it. `/~/runs` is a folder under the login's home.
import type { SshTarget } from './sshExec';

export interface SshLocation extends SshTarget {
  /** The folder on the host, as the remote shell takes it: absolute, or relative to the login's home. */
  path: string;
  /** The URI without any password (ssh never takes one from a URI; a pasted one is dropped, not kept). */
  id: string;
}

export class SshUriError extends Error {
  override name = 'SshUriError' as const;
}

export function parseSshUri(uri: string): SshLocation {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new SshUriError(`not a URI: ${uri} (expected ssh://[user@]host[:port]/path)`);
  }
  if (u.protocol !== 'ssh:') throw new SshUriError(`not an ssh:// URI: ${uri}`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  // A host or user is passed to ssh as data; one that reads as an option or holds shell text is refused.
  if (!host || !/^[A-Za-z0-9_.:%-]+$/.test(host) || host.startsWith('-'))
    throw new SshUriError(`no usable host in ${uri}`);
  const user = u.username ? decodeURIComponent(u.username) : undefined;
  if (user !== undefined && (!/^[A-Za-z0-9_.@-]+$/.test(user) || user.startsWith('-')))
    throw new SshUriError(`no usable user name in ${uri}`);
  const port = u.port ? Number(u.port) : undefined;
  let path = decodeURIComponent(u.pathname);
  if (path === '/~' || path.startsWith('/~/')) path = path.slice(3) || '.';
  if (!path || path === '/') path = '.';
  // A relative folder starting with "-" would read as an option of the remote CLI.
  if (path.startsWith('-')) path = `./${path}`;
  const id = `ssh://${user ? `${user}@` : ''}${u.host}${u.pathname}`;
  return { host, user, port, path, id };
}
