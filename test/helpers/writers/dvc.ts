import { stringify } from 'yaml';
import { csvField, pyStr, type PyValue } from './tabular';

/**
 * Writers of DVC / DVCLive files as the tools write them (shared/formats/dvc.md): DVCLive TSVs
 * (`csv.DictWriter(delimiter="\t", lineterminator=os.linesep)`), `metrics.json` (indent 4, non-finite values as the
 * strings "nan"/"inf"/"-inf", nested by the "/" of metric names), YAML for `params.yaml` and `dvc.yaml`.
 */

export interface TsvPoint {
  step: bigint;
  value: PyValue;
  /** ms since the epoch; present only with `log_metric(..., timestamp=True)`. */
  timestamp?: bigint;
}

/** `plots/metrics/<name>.tsv`: `[timestamp\t]step\t<basename>` then one row per `log_metric`. */
export function dvcliveTsv(name: string, points: readonly TsvPoint[], lineEnd = '\n'): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const withTime = points.some((p) => p.timestamp !== undefined);
  const head = [...(withTime ? ['timestamp'] : []), 'step', base].map((c) => csvField(c, '\t'));
  const lines = [head.join('\t')];
  for (const p of points) {
    const cells = [...(withTime ? [String(p.timestamp ?? '')] : []), String(p.step), csvField(pyStr(p.value), '\t')];
    lines.push(cells.join('\t'));
  }
  return lines.map((l) => l + lineEnd).join('');
}

/** DVCLive `metrics.json`: latest value per metric nested by "/", plus `step`; non-finite values as strings. */
export function dvcliveMetricsJson(latest: Record<string, number>, step?: number): string {
  const root: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(latest)) {
    const parts = name.split('/');
    let node = root;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]!] = Number.isFinite(v) ? v : Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  }
  if (step !== undefined) root.step = step;
  return JSON.stringify(root, null, 4) + '\n';
}

/** A YAML file (params.yaml, dvc.yaml) as DVC/ruamel would write it (block style). */
export function yamlFile(value: unknown): string {
  return stringify(value);
}

/** The `dvc.yaml` DVCLive 3.x writes into a repo without stages (experiment tracking without a pipeline). */
export function dvcliveDvcYaml(dir: string): string {
  return yamlFile({
    metrics: [`${dir}/metrics.json`],
    plots: [{ [`${dir}/plots/metrics`]: { x: 'step' } }],
    params: [`${dir}/params.yaml`],
  });
}
