import type { RemoteSource } from '../remoteSource';
import { SourceError } from '../sourceUri';
import { createSshSource } from './sshSource';
import { SshUriError } from './sshUri';

/**
 * The registry's factory for `ssh://[user@]host[:port]/path[?command=…&config=…]`. The two query values are the only
 * options a setting or `--source` can give: `command`, how the Runlens CLI is started on the host (a shell line, e.g.
 * `node ~/runlens/dist/cli.js`; default `runlens`), and `config`, an ssh client config file (`ssh -F`) when the
 * user's own ~/.ssh/config is not the one to use. Everything else comes from the user's ssh set-up.
 */
export async function openSshSource(uri: string): Promise<RemoteSource> {
  let query: URLSearchParams | undefined;
  try {
    query = new URL(uri).searchParams;
  } catch {
    // createSshSource names what is wrong with the URI
  }
  const command = query?.get('command') || undefined;
  const config = query?.get('config') || undefined;
  try {
    return createSshSource(uri, { remoteCommand: command, sshArgs: config ? ['-F', config] : undefined });
  } catch (e) {
    // a URI the user typed: said at once, as every factory's SourceError is
    throw e instanceof SshUriError ? new SourceError(e.message) : e;
  }
}
