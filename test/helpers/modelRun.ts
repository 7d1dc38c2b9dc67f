import { NO_GIT, type Run } from '../../src/core/model';

/**
 * Options of modelRun: the metric summaries' shape, and any field of the run to set instead of its default
 * (`metrics` too: whole summaries, over those made from the values).
 */
export type ModelRunOptions = { lastStep?: number; count?: number } & Partial<Omit<Run, 'id' | 'params'>>;

/**
 * A finished MLflow run as the model holds it, for tests of code that takes runs (grouping, state builders,
 * renderers): each metric a summary of `count` points whose last, min and max are the value given.
 */
export function modelRun(
  id: string,
  params: Run['params'] = {},
  metrics: Record<string, number> = {},
  { lastStep = 9, count = 10, ...fields }: ModelRunOptions = {},
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
    git: { ...NO_GIT },
    params,
    metrics: Object.fromEntries(
      Object.entries(metrics).map(([k, v]) => [k, { last: v, lastStep, min: v, max: v, count }]),
    ),
    tags: {},
    parentId: null,
    deleted: false,
    ...fields,
  };
}
