import { createHash } from 'node:crypto';
import type { SourceFormat } from './model';

/**
 * A run's id: a short hash of its format and path. Stable across re-index, restarts and machines (a CI job
 * indexing the same checkout gets the same ids), short enough to type; the CLI also accepts unique prefixes.
 * In a multi-root workspace the folder name joins the hash so equal relative paths in two folders differ.
 */
export function runId(format: SourceFormat, path: string, namespace?: string): string {
  const key = namespace ? `${namespace}\0${format}\0${path}` : `${format}\0${path}`;
  return createHash('sha1').update(key).digest('hex').slice(0, 12);
}
