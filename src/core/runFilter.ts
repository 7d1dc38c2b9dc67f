import { formatParam } from './compare/format';
import type { Run } from './model';

/**
 * The Runs view's text filter: a run matches when its name, path, experiment, format, a `param=value` or a metric
 * name contains the text (case-insensitive), or its id or commit starts with it. `needle` is already lower-case.
 */
export function runMatchesText(r: Run, needle: string): boolean {
  if (r.name.toLowerCase().includes(needle) || r.path.toLowerCase().includes(needle) || r.id.startsWith(needle))
    return true;
  if (
    (r.experiment ?? '').toLowerCase().includes(needle) ||
    r.format.includes(needle) ||
    (r.git.commit ?? '').startsWith(needle)
  )
    return true;
  for (const [k, v] of Object.entries(r.params))
    if (`${k}=${formatParam(v)}`.toLowerCase().includes(needle)) return true;
  for (const k of Object.keys(r.metrics)) if (k.toLowerCase().includes(needle)) return true;
  return false;
}
