// The index's one front door. The CLI, the extension and any new face (a table, a review command, a remote source)
// import the engine from here and nothing else of it: open roots, index, follow changes, read series, query, snapshot.
// The store (core/db) and the reader registry (core/readers) stay behind WorkspaceIndex.
export {
  Emitter,
  WorkspaceIndex,
  type IndexChange,
  type IndexRoot,
  type Listener,
  type WorkspaceIndexOptions,
} from './workspaceIndex';
export type { IndexProgress } from './types';
export type { SourceStatus } from './remoteRuns';
export { QueryError, type QueryResult } from '../db/runStore';
export { QueryCancelledError, QueryTimeoutError, type QueryLimits } from '../db/queryRunner';
export { defaultWorkerCount } from './readPool';
export { DEFAULT_EXCLUDES } from './walk';
export { GlobSet } from './glob';
export { isoTime, runToJson, toIndexJson, type IndexJson, type RunJson } from './indexJson';
