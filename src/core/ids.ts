import { createHash } from 'node:crypto';
import type { SourceFormat } from './model';

/**
 * A run's id: a short hash of its format and path. Stable across re-index, restarts and machines (a CI job
 * indexing the same checkout gets the same ids), short enough to type; the CLI also accepts unique prefixes.
 */
export function runId(format: SourceFormat, path: string): string {
  return createHash('sha1').update(`${format}\0${path}`).digest('hex').slice(0, 12);
}
