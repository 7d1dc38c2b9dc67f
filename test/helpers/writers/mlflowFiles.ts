import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes MLflow FileStore trees byte for byte as mlflow/store/tracking/file_store.py does: meta.yaml through
 * PyYAML `safe_dump(default_flow_style=False, allow_unicode=True, sort_keys=True)`, metric lines
 * `"<ts> <repr(float)> <step>\n"`, params and tags as one file per key with no trailing newline, '/' in a key as
 * nested folders. Options reproduce older writers and damaged files for the edge cases.
 */

export type YamlValue = string | number | bigint | boolean | null | [];

/** A metric point: [timestamp ms, value, step]; step undefined writes the legacy 2-field line. */
export type MetricPoint = [number, number, number?];

export interface ExperimentSpec {
  /** Folder name and (unless `recordedId`) the recorded `experiment_id`. */
  id: string;
  name: string;
  /** What meta.yaml records as experiment_id; a number writes a legacy YAML int. Default: `id` as a string. */
  recordedId?: string | number;
  /** `undefined` → active; `null` leaves the key out (very old files). */
  lifecycleStage?: 'active' | 'deleted' | null;
  /** ms; `null` leaves creation_time/last_update_time out (before MLflow 1.29). Default: a fixed time. */
  creationTime?: number | null;
  /** Deleted experiments live in `<root>/.trash/<id>/`. */
  inTrash?: boolean;
  /** Replaces meta.yaml with this text (damaged files). */
  rawMeta?: string;
  runs?: RunSpec[];
}

export interface RunSpec {
  /** 32 hex; folder name. */
  id: string;
  /** Recorded `experiment_id`; default: the experiment's. */
  experimentId?: string | number;
  /** `null` leaves run_name out (before ~1.29 only the tag held it). */
  runName?: string | null;
  /** RunStatus int; `null` leaves the key out. Default 3 (FINISHED). */
  status?: number | null;
  startTime?: number;
  /** `null` writes `end_time: null` (running / crashed). */
  endTime?: number | null;
  lifecycleStage?: 'active' | 'deleted' | null;
  /** Pre-1.0 layout: no run_id, only run_uuid; `name` and `source_version` hold real values. */
  legacy?: { name?: string; sourceVersion?: string };
  params?: Record<string, string>;
  tags?: Record<string, string>;
  /** Points per key, or raw file content (damaged or hand-written files). */
  metrics?: Record<string, MetricPoint[] | string>;
  /** Replaces meta.yaml with this text. */
  rawMeta?: string;
}

const DEFAULT_TIME = 1721450907221;

/** Writes experiments and runs under `<root>/<storeDir>`; returns the store folder's absolute path. */
export function writeMlflowStore(root: string, storeDir: string, experiments: readonly ExperimentSpec[]): string {
  const store = path.join(root, storeDir);
  fs.mkdirSync(path.join(store, '.trash'), { recursive: true }); // FileStore creates it on init
  for (const exp of experiments) {
    const expDir = path.join(store, exp.inTrash ? '.trash' : '', exp.id);
    fs.mkdirSync(expDir, { recursive: true });
    const artifactLocation = `file://${store.replace(/\\/g, '/')}/${exp.id}`;
    fs.writeFileSync(path.join(expDir, 'meta.yaml'), exp.rawMeta ?? safeDump(experimentMeta(exp, artifactLocation)));
    for (const run of exp.runs ?? []) writeRun(expDir, exp, run, artifactLocation);
  }
  return store;
}

function experimentMeta(exp: ExperimentSpec, artifactLocation: string): Record<string, YamlValue> {
  const m: Record<string, YamlValue> = {
    artifact_location: artifactLocation,
    experiment_id: exp.recordedId ?? exp.id,
    name: exp.name,
  };
  if (exp.lifecycleStage !== null) m['lifecycle_stage'] = exp.lifecycleStage ?? 'active';
  if (exp.creationTime !== null) {
    m['creation_time'] = exp.creationTime ?? DEFAULT_TIME - 60_000;
    m['last_update_time'] = exp.creationTime ?? DEFAULT_TIME - 60_000;
  }
  return m;
}

export function writeRun(expDir: string, exp: ExperimentSpec, run: RunSpec, artifactLocation: string): string {
  const runDir = path.join(expDir, run.id);
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(path.join(runDir, 'meta.yaml'), run.rawMeta ?? safeDump(runMeta(exp, run, artifactLocation)));
  for (const [k, v] of Object.entries(run.params ?? {})) writeKeyFile(runDir, 'params', k, v);
  const tags = { ...(run.tags ?? {}) };
  if (run.runName && !('mlflow.runName' in tags)) tags['mlflow.runName'] = run.runName;
  for (const [k, v] of Object.entries(tags)) writeKeyFile(runDir, 'tags', k, v);
  for (const [k, points] of Object.entries(run.metrics ?? {})) {
    writeKeyFile(runDir, 'metrics', k, typeof points === 'string' ? points : points.map(metricLine).join(''));
  }
  return runDir;
}

function runMeta(exp: ExperimentSpec, run: RunSpec, artifactLocation: string): Record<string, YamlValue> {
  const start = run.startTime ?? DEFAULT_TIME;
  const m: Record<string, YamlValue> = {
    artifact_uri: `${artifactLocation}/${run.id}/artifacts`,
    end_time: run.endTime === undefined ? start + 9 : run.endTime,
    entry_point_name: '',
    experiment_id: run.experimentId ?? exp.recordedId ?? exp.id,
    run_uuid: run.id,
    source_name: '',
    source_type: 4,
    source_version: run.legacy?.sourceVersion ?? '',
    start_time: start,
    tags: [],
    user_id: 'alice',
  };
  if (run.status !== null) m['status'] = run.status ?? 3;
  if (run.lifecycleStage !== null) m['lifecycle_stage'] = run.lifecycleStage ?? 'active';
  if (run.legacy) {
    m['name'] = run.legacy.name ?? '';
  } else {
    m['run_id'] = run.id;
    m['deleted_time'] = run.lifecycleStage === 'deleted' ? start + 100 : null;
    if (run.runName !== null && run.runName !== undefined) m['run_name'] = run.runName;
  }
  return m;
}

/** One param/tag/metric file; a '/' in the key is a nested folder (MLflow joins the key onto the folder). */
export function writeKeyFile(runDir: string, kind: 'params' | 'tags' | 'metrics', key: string, content: string): void {
  const file = path.join(runDir, kind, ...key.split('/'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** A metric line as FileStore.log_metric appends it. */
export function metricLine([ts, value, step]: MetricPoint): string {
  return step === undefined ? `${ts} ${pyFloatRepr(value)}\n` : `${ts} ${pyFloatRepr(value)} ${step}\n`;
}

/** Python's repr(float): shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloatRepr(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mant, expText] = v.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${neg ? '-' : ''}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  let text: string;
  if (exp < 0) text = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (digits.length <= exp + 1) text = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  else text = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return neg ? `-${text}` : text;
}

// PyYAML's implicit resolvers (yaml/resolver.py): a plain string matching one of these must be quoted.
const RESOLVES = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:~|null|Null|NULL)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=|<<)$/,
];

/** PyYAML safe_dump of a flat mapping (sorted keys, block style, `[]` for empty lists, width 80 folding). */
export function safeDump(m: Record<string, YamlValue>): string {
  let out = '';
  for (const key of Object.keys(m).sort()) {
    const v = m[key]!;
    const prefix = `${key}: `;
    out += prefix + scalar(v, prefix.length) + '\n';
  }
  return out;
}

function scalar(v: YamlValue, column: number): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return '[]';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
  if (v === '') return "''";
  const plain =
    !RESOLVES.some((re) => re.test(v)) &&
    !/^[-?:,[\]{}#&*!|>'"%@`\s]/.test(v) &&
    !/\s$/.test(v) &&
    !v.includes(': ') &&
    !v.includes(' #') &&
    !/[\n\r\t]/.test(v) &&
    !v.endsWith(':');
  const text = plain ? v : `'${v.replace(/'/g, "''")}'`;
  return fold(text, column);
}

/** PyYAML breaks plain and single-quoted scalars at a space once past column 80; continuation is indented. */
function fold(text: string, column: number): string {
  if (!text.includes(' ')) return text;
  let out = '';
  let col = column;
  const words = text.split(' ');
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (i > 0) {
      if (col > 80 && w !== '') {
        out += '\n  ';
        col = 2;
      } else {
        out += ' ';
        col++;
      }
    }
    out += w;
    col += w.length;
  }
  return out;
}

/**
 * An MLflow 3 LoggedModel as `mlflow.genai.enable_git_model_versioning()` leaves it in a FileStore (looked at with
 * MLflow 3.18): `<exp>/models/<model_id>/{meta.yaml,tags/…}` holding the git state (`mlflow.source.git.diff` only
 * when the tree was dirty), and the run linked to it by `<run>/inputs/<input_id>/meta.yaml` (source MODEL,
 * destination RUN).
 */
export function writeLoggedModel(
  expDir: string,
  modelId: string,
  runDir: string | null,
  tags: Record<string, string>,
): void {
  const dir = path.join(expDir, 'models', modelId);
  fs.mkdirSync(path.join(dir, 'tags'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'meta.yaml'),
    safeDump({
      artifact_location: `file://${dir}/artifacts`,
      creation_timestamp: DEFAULT_TIME,
      experiment_id: path.basename(expDir),
      last_updated_timestamp: DEFAULT_TIME,
      lifecycle_stage: 'active',
      model_id: modelId,
      model_type: null,
      name: 'dapper-squirrel-680',
      source_run_id: null,
      status: 1,
      status_message: null,
    }),
  );
  for (const [k, v] of Object.entries(tags)) fs.writeFileSync(path.join(dir, 'tags', k), v);
  if (runDir === null) return;
  const input = path.join(runDir, 'inputs', 'ef822d7f16ee095495af5a39cc47f345');
  fs.mkdirSync(input, { recursive: true });
  fs.writeFileSync(
    path.join(input, 'meta.yaml'),
    `destination_id: ${modelId}\ndestination_type: RUN\nsource_id: ${modelId}\nsource_type: MODEL\ntags: {}\n`,
  );
}
