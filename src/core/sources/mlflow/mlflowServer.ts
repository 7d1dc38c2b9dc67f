import { createHash } from 'node:crypto';
import type { Diagnostic, MetricSummary, Run, Series } from '../../model';
import { gitFromTags, mapStatus, PARENT_RUN_TAG, runName } from '../../readers/mlflow/mlflowCommon';
import type { SourceContext } from '../sourceContext';
import { setOwnKey } from '../untrusted';
import type { RemoteSnapshot, RemoteSource } from '../remoteSource';
import { resolveMlflowTarget } from './mlflowAuth';
import { mlflowCall, type MlflowHttpOptions } from './mlflowHttp';
import { BULK_MAX_POINTS, metricValue, num, readHistory, readSampled, toSeries } from './mlflowHistory';

/** Runs per runs/search page (the servers' own default; they cap it at 50,000). */
const RUNS_PAGE = 1000;
/** Points per metrics/get-history page. */
const HISTORY_PAGE = 25_000;
/** Points per run of a sampled curve (get-history-bulk-interval): about a chart's width, drawn at once. */
const SAMPLED_POINTS = 1000;
/** Experiment ids per runs/search call, and run ids per `run_id IN (…)` filter. */
const IDS_PER_CALL = 100;
/** Every this many refreshes, a full one (deleted runs, tags set after a run ended are only seen then). */
const FULL_EVERY = 20;
/** New runs are looked for from the latest start seen minus this (clients' clocks set start_time). */
const START_SLACK_MS = 10 * 60_000;

export interface MlflowServerOptions {
  /** Told of each page of runs as it arrives (the bench's time to first page). */
  onPage?: (runsSoFar: number) => void;
  /** Runs per runs/search page and points per get-history page (smaller in tests, to page through a real server). */
  runsPage?: number;
  historyPage?: number;
  http?: Partial<Pick<MlflowHttpOptions, 'attempts' | 'backoffMs' | 'timeoutMs'>>;
  /** Points per run of a sampled curve (at most 2,500, the server's limit). */
  sampledPoints?: number;
  /** false: never ask for sampled curves (the bench's plain get-history figure). */
  bulkInterval?: boolean;
}

interface ApiRun {
  info?: {
    run_id?: string;
    run_uuid?: string;
    run_name?: string;
    experiment_id?: string;
    status?: string;
    start_time?: number | string;
    end_time?: number | string;
    lifecycle_stage?: string;
  };
  data?: {
    metrics?: Array<{ key?: string; value?: unknown; step?: number | string; timestamp?: number | string }>;
    params?: Array<{ key?: string; value?: string }>;
    tags?: Array<{ key?: string; value?: string }>;
  };
}

/** Opens an `mlflow+http(s)://` source (the registry's factory). */
export async function openMlflowServer(uri: string, ctx: SourceContext): Promise<MlflowServerSource> {
  return new MlflowServerSource(await resolveMlflowTarget(uri, ctx));
}

/**
 * An MLflow tracking server (self-hosted or Databricks) read through its REST API: experiments, then runs with their
 * params, tags and latest metrics; curves on demand. After the first refresh only new runs and the runs still
 * running are asked for (a full refresh every FULL_EVERY).
 */
export class MlflowServerSource implements RemoteSource {
  readonly kind = 'mlflow' as const;
  readonly id: string;
  private readonly http: MlflowHttpOptions;
  private readonly runs = new Map<string, Run>();
  private experiments = new Map<string, string>();
  private refreshes = 0;
  private latestStart = 0;
  private disposed = new AbortController();
  /** Whether the server has get-history-bulk-interval: unknown until asked, false after a 404 (not asked again). */
  private bulkInterval: boolean | undefined;

  constructor(
    target: { id: string; base: string; authorization?: string; authFrom?: string },
    private readonly opts: MlflowServerOptions = {},
  ) {
    this.id = target.id;
    this.http = { ...opts.http, base: target.base, label: target.id, ...auth(target) };
  }

  async refresh(signal?: AbortSignal): Promise<RemoteSnapshot> {
    const sig = signal ? AbortSignal.any([signal, this.disposed.signal]) : this.disposed.signal;
    const diagnostics: Diagnostic[] = [];
    this.experiments = await this.searchExperiments(sig);
    const ids = [...this.experiments.keys()];
    // Counted when it succeeds: a full read that failed is tried again next time, not skipped for FULL_EVERY.
    const full = this.refreshes % FULL_EVERY === 0;
    const found = new Map<string, Run>();
    const take = (r: ApiRun): void => {
      const run = this.toRun(r, diagnostics);
      if (run) found.set(run.path, run);
    };
    if (full) {
      for (let i = 0; i < ids.length; i += IDS_PER_CALL)
        await this.searchRuns(ids.slice(i, i + IDS_PER_CALL), '', take, sig);
      this.runs.clear();
    } else {
      const since = Math.max(0, this.latestStart - START_SLACK_MS);
      for (let i = 0; i < ids.length; i += IDS_PER_CALL)
        await this.searchRuns(ids.slice(i, i + IDS_PER_CALL), `attributes.start_time >= ${since}`, take, sig);
      const running = [...this.runs.values()].filter((r) => r.status === 'running').map((r) => mlflowRunId(r));
      for (let i = 0; i < running.length; i += IDS_PER_CALL) {
        const list = running
          .slice(i, i + IDS_PER_CALL)
          .map((id) => `'${id}'`)
          .join(',');
        await this.searchRuns(ids, `attributes.run_id IN (${list})`, take, sig);
      }
    }
    for (const [p, run] of found) this.runs.set(p, run);
    // Experiments deleted since: their runs go.
    for (const p of this.runs.keys()) if (!this.experiments.has(p.slice(0, p.indexOf('/')))) this.runs.delete(p);
    for (const run of this.runs.values()) this.latestStart = Math.max(this.latestStart, run.startTime ?? 0);
    this.refreshes++;
    return { runs: [...this.runs.values()], diagnostics };
  }

  async readSeries(run: Run, keys: readonly string[] | undefined, signal?: AbortSignal): Promise<Series[]> {
    const sig = signal ? AbortSignal.any([signal, this.disposed.signal]) : this.disposed.signal;
    const out: Series[] = [];
    for (const key of keys ?? Object.keys(run.metrics)) {
      const points = await readHistory(this.http, mlflowRunId(run), key, this.opts.historyPage ?? HISTORY_PAGE, sig);
      if (points.length) out.push(toSeries(run.id, key, points));
    }
    return out;
  }

  /**
   * A sample of each run's curve of `key` (get-history-bulk-interval: one call per 100 runs), for a first paint;
   * undefined when the server does not have the endpoint (then it is not asked again). A sample with fewer points
   * than asked for is the whole curve and is marked `partial: false`; the others `partial: true`.
   */
  async readSampledSeries(runs: readonly Run[], key: string, signal?: AbortSignal): Promise<Series[] | undefined> {
    if (this.opts.bulkInterval === false || this.bulkInterval === false) return undefined;
    const sig = signal ? AbortSignal.any([signal, this.disposed.signal]) : this.disposed.signal;
    const perRun = Math.min(this.opts.sampledPoints ?? SAMPLED_POINTS, BULK_MAX_POINTS);
    const byId = new Map(runs.map((r) => [mlflowRunId(r), r]));
    const sampled = await readSampled(this.http, [...byId.keys()], key, perRun, sig);
    if (!sampled) {
      this.bulkInterval = false;
      return undefined;
    }
    this.bulkInterval = true;
    const out: Series[] = [];
    for (const [id, points] of sampled) {
      const whole = points.length < perRun;
      out.push({ ...toSeries(byId.get(id)!.id, key, points), partial: !whole });
    }
    return out;
  }

  dispose(): void {
    this.disposed.abort(new Error(`${this.id}: source closed`));
  }

  private async searchExperiments(signal: AbortSignal): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    let token: string | undefined;
    do {
      const page = await mlflowCall(
        this.http,
        'experiments/search',
        { post: { max_results: 1000, page_token: token, view_type: 'ACTIVE_ONLY' } },
        signal,
      );
      for (const e of arrayOf(page.experiments) as Array<{ experiment_id?: unknown; name?: unknown }>)
        if (typeof e.experiment_id === 'string') out.set(e.experiment_id, String(e.name ?? e.experiment_id));
      token = nextToken(page);
    } while (token);
    return out;
  }

  private async searchRuns(
    experimentIds: string[],
    filter: string,
    take: (r: ApiRun) => void,
    signal: AbortSignal,
  ): Promise<void> {
    if (!experimentIds.length) return;
    let token: string | undefined;
    let seen = 0;
    do {
      const page = await mlflowCall(
        this.http,
        'runs/search',
        {
          post: {
            experiment_ids: experimentIds,
            filter,
            run_view_type: 'ACTIVE_ONLY',
            max_results: this.opts.runsPage ?? RUNS_PAGE,
            order_by: ['attributes.start_time ASC'],
            page_token: token,
          },
        },
        signal,
      );
      const runs = arrayOf(page.runs) as ApiRun[];
      for (const r of runs) take(r);
      seen += runs.length;
      this.opts.onPage?.(seen);
      token = nextToken(page);
    } while (token);
  }

  /** One run of the API as a Run; undefined (and a problem) for an entry without a run id. */
  private toRun(r: ApiRun, diagnostics: Diagnostic[]): Run | undefined {
    const info = r.info ?? {};
    const runId = info.run_id ?? info.run_uuid;
    if (typeof runId !== 'string' || !/^[\w-]+$/.test(runId)) {
      diagnostics.push({ path: this.id, severity: 'warning', message: 'runs/search returned a run without a run id' });
      return undefined;
    }
    const expId = String(info.experiment_id ?? '');
    const tags = pairs(r.data?.tags);
    const params = pairs(r.data?.params);
    const metrics: Record<string, MetricSummary> = {};
    for (const m of r.data?.metrics ?? []) {
      if (typeof m.key !== 'string') continue;
      // The API gives each metric's latest point only; min and max come with its curve.
      setOwnKey(metrics, m.key, { last: metricValue(m.value), lastStep: num(m.step), min: null, max: null, count: 1 });
    }
    const parent = tags[PARENT_RUN_TAG];
    return {
      id: this.runIdOf(runId),
      format: 'mlflow',
      path: `${expId}/${runId}`,
      name: runName(runId, info.run_name, tags),
      experiment: this.experiments.get(expId) ?? expId,
      status: mapStatus(info.status) ?? 'unknown',
      startTime: num(info.start_time),
      endTime: num(info.end_time),
      git: gitFromTags(tags),
      params,
      metrics,
      tags,
      parentId: parent ? this.runIdOf(parent) : null,
      deleted: info.lifecycle_stage === 'deleted',
      source: this.id,
    };
  }

  /** Ids start with the source's own 4 hex digits: runs of one server share them, two servers' runs never collide. */
  private runIdOf(mlflowId: string): string {
    const h = (s: string): string => createHash('sha1').update(s).digest('hex');
    return `${h(this.id).slice(0, 4)}${h(`${this.id}\0${mlflowId}`).slice(0, 8)}`;
  }
}

/** The MLflow run id of one of these runs (its path is "<experiment id>/<run id>"). */
function mlflowRunId(run: Pick<Run, 'path'>): string {
  return run.path.slice(run.path.lastIndexOf('/') + 1);
}

function auth(t: { authorization?: string; authFrom?: string }): Partial<MlflowHttpOptions> {
  return {
    ...(t.authorization ? { authorization: t.authorization } : {}),
    ...(t.authFrom ? { authFrom: t.authFrom } : {}),
  };
}

function arrayOf(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]).filter((x) => x && typeof x === 'object') : [];
}

function nextToken(page: Record<string, unknown>): string | undefined {
  return typeof page.next_page_token === 'string' && page.next_page_token ? page.next_page_token : undefined;
}

function pairs(list: Array<{ key?: string; value?: string }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(list))
    for (const p of list)
      if (p && typeof p.key === 'string') setOwnKey(out, p.key, typeof p.value === 'string' ? p.value : '');
  return out;
}
