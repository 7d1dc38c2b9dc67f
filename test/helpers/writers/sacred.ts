import * as fs from 'node:fs';
import * as path from 'node:path';
import { pyFloat, pyJsonDumps } from './hf';

/** `datetime.utcnow().isoformat()`: naive UTC, microseconds omitted when 0. */
export function sacredTime(ms: number): string {
  const iso = new Date(Math.floor(ms)).toISOString(); // 2024-05-01T12:34:56.789Z
  const micros = Math.round((ms - Math.floor(ms / 1000) * 1000) * 1000);
  const base = iso.slice(0, 19);
  return micros === 0 ? base : `${base}.${String(micros).padStart(6, '0')}`;
}

export interface SacredRunOptions {
  experiment: string;
  status: 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'INTERRUPTED' | 'TIMEOUT' | string;
  /** ms since epoch; omitted for QUEUED runs. */
  start?: number;
  stop?: number;
  heartbeat?: number | null;
  repositories?: Array<{ url: string; commit: string; dirty: boolean }>;
  mainfile?: string;
  baseDir?: string;
  result?: unknown;
  failTrace?: string[];
}

/** `run.json` as `FileStorageObserver.started_event`/`completed_event` leave it (sacred 0.8). */
export function runJson(o: SacredRunOptions): Record<string, unknown> {
  const run: Record<string, unknown> = {
    artifacts: [],
    command: 'main',
    experiment: {
      base_dir: o.baseDir ?? '/home/someone/project',
      dependencies: ['numpy==1.26.4', 'sacred==0.8.5'],
      mainfile: o.mainfile ?? 'train.py',
      name: o.experiment,
      repositories: o.repositories ?? [],
      sources: [['train.py', '_sources/train_5f1e0d3a.py']],
    },
    heartbeat:
      o.heartbeat === undefined
        ? o.stop !== undefined
          ? sacredTime(o.stop)
          : null
        : o.heartbeat === null
          ? null
          : sacredTime(o.heartbeat),
    host: {
      ENV: {},
      cpu: 'Intel(R) Core(TM) i7',
      hostname: 'box',
      os: ['Linux', 'Linux-6.5.0-x86_64-with-glibc2.35'],
      python_version: '3.11.7',
    },
    meta: {
      command: 'main',
      named_configs: [],
      options: { '--name': null, UPDATE: [], with: false },
      config_updates: {},
    },
    resources: [],
    result: o.result ?? null,
    status: o.status,
  };
  if (o.start !== undefined) run.start_time = sacredTime(o.start);
  if (o.stop !== undefined) run.stop_time = sacredTime(o.stop);
  if (o.failTrace) run.fail_trace = o.failTrace;
  return run;
}

export interface SacredMetric {
  steps: number[];
  /** ms since epoch, one per value. */
  times: number[];
  values: unknown[];
}

/** `metrics.json`: `{name: {steps, timestamps, values}}`; numbers are Python floats. */
export function metricsJson(metrics: Record<string, SacredMetric>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, m] of Object.entries(metrics)) {
    out[k] = {
      steps: m.steps,
      timestamps: m.times.map(sacredTime),
      values: m.values.map((v) => (typeof v === 'number' ? pyFloat(v) : v)),
    };
  }
  return out;
}

export interface SacredRunFiles {
  run?: Record<string, unknown> | string;
  config?: Record<string, unknown> | string;
  metrics?: Record<string, unknown> | string;
  info?: Record<string, unknown>;
  cout?: string;
}

/** Sacred's `json.dump(flatten(obj), sort_keys=True, indent=2)` (no trailing newline). */
export function sacredJson(v: Record<string, unknown>): string {
  return pyJsonDumps(v, { indent: 2, sortKeys: true });
}

/** Writes `<basedir>/<id>/` with the given files; strings are written verbatim (broken files). */
export function writeSacredRun(root: string, basedir: string, id: string, f: SacredRunFiles): string {
  const dir = path.join(root, basedir, id);
  fs.mkdirSync(dir, { recursive: true });
  const text = (v: Record<string, unknown> | string): string => (typeof v === 'string' ? v : sacredJson(v));
  if (f.config !== undefined) fs.writeFileSync(path.join(dir, 'config.json'), text(f.config));
  if (f.run !== undefined) fs.writeFileSync(path.join(dir, 'run.json'), text(f.run));
  fs.writeFileSync(path.join(dir, 'cout.txt'), f.cout ?? '');
  if (f.metrics !== undefined) fs.writeFileSync(path.join(dir, 'metrics.json'), text(f.metrics));
  if (f.info !== undefined) fs.writeFileSync(path.join(dir, 'info.json'), sacredJson(f.info));
  return dir;
}

/** The content-addressed source copies folder of a basedir (never a run). */
export function writeSacredSources(root: string, basedir: string): void {
  const dir = path.join(root, basedir, '_sources');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'train_5f1e0d3a.py'), 'print("hi")\n');
}
