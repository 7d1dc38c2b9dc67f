/** A short text for a file-system error (its code in words) or any other thrown value: for per-file diagnostics. */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    const code = (err as { code: string }).code;
    const known: Record<string, string> = {
      ENOENT: 'no such file',
      EACCES: 'permission denied',
      EPERM: 'permission denied',
      EISDIR: 'is a folder',
      ELOOP: 'symlink loop',
      EMFILE: 'too many open files',
    };
    return known[code] ?? code;
  }
  return err instanceof Error ? err.message : String(err);
}
