import type { GitInfo, RunStatus } from '../../model';

/** Run status as the file store writes it (RunStatus enum ints, mlflow/entities/run_status.py). */
const STATUS_BY_INT: Record<number, RunStatus> = {
  1: 'running',
  2: 'unknown',
  3: 'finished',
  4: 'failed',
  5: 'killed',
};

/** Run status as the SQL store writes it (the enum name). */
const STATUS_BY_NAME: Record<string, RunStatus> = {
  RUNNING: 'running',
  SCHEDULED: 'unknown',
  FINISHED: 'finished',
  FAILED: 'failed',
  KILLED: 'killed',
};

/**
 * Maps a stored status (int in meta.yaml, name in SQL) to the contract. `undefined` means the value is not a
 * known status; a missing status is RUNNING, as MLflow reads it.
 */
export function mapStatus(v: unknown): RunStatus | undefined {
  if (v === null || v === undefined) return 'running';
  if (typeof v === 'bigint') v = Number(v);
  if (typeof v === 'number') return STATUS_BY_INT[v];
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^\d+$/.test(t)) return STATUS_BY_INT[Number(t)];
    return STATUS_BY_NAME[t.toUpperCase()];
  }
  return undefined;
}

/** mapStatus for a reader: a value MLflow does not define reads as 'unknown', and `warn` hears it quoted. */
export function statusOrUnknown(v: unknown, warn: (quoted: string) => void): RunStatus {
  const status = mapStatus(v);
  if (status === undefined) warn(JSON.stringify(String(v)));
  return status ?? 'unknown';
}

/** Git info from the system tags (mlflow/utils/mlflow_tags.py), legacy tags and `source_version` as fallbacks. */
export function gitFromTags(tags: Record<string, string>, sourceVersion?: string | null): GitInfo {
  const commit = nonEmpty(tags['mlflow.source.git.commit']) ?? nonEmpty(sourceVersion ?? undefined);
  const dirtyText = tags['mlflow.source.git.dirty']?.trim().toLowerCase();
  return {
    commit: commit ?? null,
    branch: nonEmpty(tags['mlflow.source.git.branch']) ?? nonEmpty(tags['mlflow.gitBranchName']) ?? null,
    dirty: dirtyText === 'true' ? true : dirtyText === 'false' ? false : null,
    remote: nonEmpty(tags['mlflow.source.git.repoURL']) ?? nonEmpty(tags['mlflow.gitRepoURL']) ?? null,
  };
}

/** Run name: the stored name, then tag `mlflow.runName`, then the legacy `name`, then the id. */
export function runName(id: string, stored: string | undefined, tags: Record<string, string>, legacy?: string): string {
  return nonEmpty(stored) ?? nonEmpty(tags['mlflow.runName']) ?? nonEmpty(legacy) ?? id;
}

export function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

/** The tag that links a nested run to its parent. */
export const PARENT_RUN_TAG = 'mlflow.parentRunId';

const GIT_DIFF = 'mlflow.source.git.diff';
const GIT_DIRTY = 'mlflow.source.git.dirty';
const GIT_COMMIT = 'mlflow.source.git.commit';

/**
 * MLflow 3's record of uncommitted changes: `mlflow.genai.enable_git_model_versioning()` (3.4+) puts the git state,
 * with `mlflow.source.git.diff` (`git diff` then `git diff --cached`) when the tree is dirty, on a LoggedModel, not
 * on the runs made meanwhile (they are linked to it as inputs). Copies the model's diff and dirty flag onto a run's
 * tags (which Compare Code reads as the run's uncommitted changes, like W&B's diff.patch) when the run records no
 * diff of its own and the model's commit is the run's. Returns whether it did.
 */
export function adoptModelDiff(
  runTags: Record<string, string>,
  modelTags: Readonly<Record<string, string | undefined>>,
): boolean {
  const diff = modelTags[GIT_DIFF];
  if (diff === undefined || runTags[GIT_DIFF] !== undefined) return false;
  const commit = modelTags[GIT_COMMIT]?.trim();
  if (commit !== undefined && runTags[GIT_COMMIT] !== undefined && commit !== runTags[GIT_COMMIT]!.trim()) return false;
  runTags[GIT_DIFF] = diff;
  const dirty = modelTags[GIT_DIRTY];
  if (dirty !== undefined) runTags[GIT_DIRTY] ??= dirty;
  if (commit !== undefined) runTags[GIT_COMMIT] ??= commit;
  return true;
}

/** The model tags adoptModelDiff reads. */
export const MODEL_GIT_TAGS = [GIT_DIFF, GIT_COMMIT, GIT_DIRTY] as const;
