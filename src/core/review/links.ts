/**
 * A web link to a commit when `origin` is a host whose URL scheme is known (GitHub, GitLab, Bitbucket); undefined
 * otherwise. The remote comes from the repository's config, and only plain owner/repo paths become links.
 */
export function commitUrl(remote: string | null | undefined, sha: string): string | undefined {
  if (!remote || !/^[0-9a-f]{7,64}$/i.test(sha)) return undefined;
  const m =
    /^(?:https?:\/\/(?:[^@/]+@)?|ssh:\/\/git@|git@)(github\.com|gitlab\.com|bitbucket\.org)[:/]([\w.-]+(?:\/[\w.-]+)+)$/i.exec(
      remote
        .trim()
        .replace(/\/+$/, '')
        .replace(/\.git$/i, ''),
    );
  if (!m) return undefined;
  const host = m[1]!.toLowerCase();
  const repo = m[2]!;
  if (repo.split('/').some((seg) => seg === '.' || seg === '..')) return undefined;
  if (host === 'gitlab.com') return `https://gitlab.com/${repo}/-/commit/${sha}`;
  if (host === 'bitbucket.org') return `https://bitbucket.org/${repo}/commits/${sha}`;
  return `https://github.com/${repo}/commit/${sha}`;
}
