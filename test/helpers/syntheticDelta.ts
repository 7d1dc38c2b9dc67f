import type { IndexDelta } from '../../src/core/index/types';
import type { Run, SourceFormat } from '../../src/core/model';

/** One index pass that brings `runs` as one source's runs: a store filled without files (tests and benches). */
export function syntheticDelta(runs: Run[], format: SourceFormat = 'hydra', key = 'synthetic'): IndexDelta {
  return {
    updated: [
      {
        key,
        source: { format, dir: 'x', path: 'x', files: [] },
        state: { opened: [], cursors: {} },
        signature: 's',
        ownRuns: runs,
        runs,
        diagnostics: [],
      },
    ],
    removed: [],
    walkDiagnostics: [],
    stats: { sources: 1, read: 1, skipped: 0, ms: 0 },
  };
}
