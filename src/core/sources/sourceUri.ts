/**
 * Source URIs as users write them (runlens.sources, --source): parsing, the secret-free id shown as a badge, and
 * the setting's two shapes (a string, or `{ uri, enabled }` to switch one off without deleting it).
 */

/** One entry of `runlens.sources`. */
export type SourceSetting = string | { uri: string; enabled?: boolean };

/** A named problem with a source URI or its set-up (shown as the source's diagnostic, never thrown past a face). */
export class SourceError extends Error {
  override name = 'SourceError' as const;
}

/** The URIs of the entries switched on, blank and malformed entries left out (as `problems`). */
export function enabledSources(setting: unknown): { uris: string[]; problems: string[] } {
  const uris: string[] = [];
  const problems: string[] = [];
  if (setting === undefined || setting === null) return { uris, problems };
  if (!Array.isArray(setting)) return { uris, problems: ['runlens.sources must be a list of URIs'] };
  for (const entry of setting as unknown[]) {
    if (typeof entry === 'string') {
      if (entry.trim()) uris.push(entry.trim());
    } else if (entry && typeof entry === 'object' && typeof (entry as { uri?: unknown }).uri === 'string') {
      const { uri, enabled } = entry as { uri: string; enabled?: unknown };
      if (enabled !== false && uri.trim()) uris.push(uri.trim());
    } else problems.push(`runlens.sources: ${JSON.stringify(entry)} is neither a URI nor { "uri": … }`);
  }
  return { uris: [...new Set(uris)], problems };
}

/** The scheme a source URI starts with ("mlflow+https", "ssh", …), lower-cased; undefined when it has none. */
export function schemeOf(uri: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
}

/**
 * A source's short name, as its badges show it: the host (and path) of its URI without the scheme, or the id as it
 * is when it is not a URL (a command source).
 */
export function sourceLabel(id: string): string {
  try {
    const u = new URL(id.replace(/^[a-z]+\+/i, ''));
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return id;
  }
}

/**
 * The URI with its secrets removed — the user info's password (or a token given as user name), and query values
 * named like secrets — and no trailing slash: the runs' `source`, stable for one server whatever the credentials.
 */
export function redactUri(uri: string): string {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return uri.replace(/\/\/[^/@]*@/, '//');
  }
  u.username = '';
  u.password = '';
  for (const k of [...u.searchParams.keys()]) if (/token|secret|password|key/i.test(k)) u.searchParams.delete(k);
  return u.toString().replace(/\/$/, '');
}
