import { scanFolder } from '../../src/core/index/scan';
import type { Run } from '../../src/core/model';
import type { Reader } from '../../src/core/readers/types';

/** What the readers find under `root`: the runs ordered by path, each problem as "path: message" in the order found. */
export async function scanRuns(root: string, readers: readonly Reader[]): Promise<{ runs: Run[]; problems: string[] }> {
  const r = await scanFolder(root, { readers });
  return {
    runs: r.runs.sort((a, b) => (a.path < b.path ? -1 : 1)),
    problems: r.diagnostics.map((d) => `${d.path}: ${d.message}`),
  };
}
