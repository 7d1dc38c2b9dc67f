import type { Run } from '../../src/core/model';

/**
 * A finished MLflow run as the model holds it, for tests of code that takes runs (grouping, state builders):
 * each metric a summary of `count` points whose last, min and max are the value given.
 */
export function modelRun(
  id: string,
  params: Run['params'],
  metrics: Record<string, number>,
  { lastStep = 9, count = 10 }: { lastStep?: number; count?: number } = {},
): Run {
  return {
    id,
    format: 'mlflow',
    path: '',
    name: id,
    experiment: null,
    status: 'finished',
    startTime: null,
    endTime: null,
    git: { commit: null, branch: null, dirty: null, remote: null },
    params,
    metrics: Object.fromEntries(
      Object.entries(metrics).map(([k, v]) => [k, { last: v, lastStep, min: v, max: v, count }]),
    ),
    tags: {},
    parentId: null,
    deleted: false,
  };
}
