/**
 * Where a metric is logged in Python code: regexes for the logging calls of the tools Runlens reads
 * (MLflow `log_metric("k"`, Lightning `self.log("k"`, TensorBoard `add_scalar("k"`, W&B `wandb.log({"k": …`,
 * DVCLive `live.log_metric("k"`, Sacred `_run.log_scalar("k"`, Keras/HF dict returns). No `vscode` here.
 */

export interface MetricHit {
  /** 0-based line and column of the metric's name (inside its quotes). */
  line: number;
  column: number;
  /** The whole line, trimmed, for a quick pick. */
  text: string;
  /** `call`: a logging call names the metric; `mention`: only the string literal appears. */
  kind: 'call' | 'mention';
  /** The name matched (the key itself or a variant, see metricNameVariants). */
  name: string;
}

/** Functions whose first (or `name=`/`key=`/`tag=`) argument is a metric name. */
const NAMED_CALLS =
  'log_metric|log_scalar|log_value|add_scalar|scalar|log|record|track|report_scalar|log_metrics_value';
/** Functions taking a dict of metrics. */
const DICT_CALLS = 'log|log_metrics|log_dict|add_scalars|log_scalars|update';

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Names a key may have been logged under: the key; Lightning's `_step`/`_epoch` split of `self.log(..., on_step,
 * on_epoch)`; Hugging Face's `eval_`/`test_` prefixes added to what `compute_metrics` returns.
 */
export function metricNameVariants(key: string): string[] {
  const out = [key];
  const m = /^(.*)_(step|epoch)$/.exec(key);
  if (m && m[1]) out.push(m[1]);
  const p = /^(eval|test|predict)_(.+)$/.exec(key);
  if (p && p[2]) out.push(p[2]);
  return [...new Set(out)];
}

/** The call patterns for one name; the `n` group spans the name inside its quotes. */
export function metricCallPatterns(name: string): RegExp[] {
  const q = `(?<q>["'])(?<n>${escapeRegex(name)})\\k<q>`;
  const patterns = [
    // log_metric("k", v) / self.log("k", v) / writer.add_scalar("k", v, step) / tf.summary.scalar("k", v)
    `\\b(?:${NAMED_CALLS})\\s*\\(\\s*(?:(?:name|key|tag)\\s*=\\s*)?[rbu]?${q}`,
    // run.track(v, name="k") / log_metric(key="k", value=v) after other arguments
    `\\b(?:${NAMED_CALLS})\\s*\\([^()]{0,200}?\\b(?:name|key|tag)\\s*=\\s*${q}`,
    // wandb.log({"k": v, ...}) / self.log_dict({"k": v}) / mlflow.log_metrics({"k": v}) — across lines
    `\\b(?:${DICT_CALLS})\\s*\\(\\s*\\{[^{}]{0,2000}?${q}\\s*:`,
  ];
  if (/^[A-Za-z_]\w*$/.test(name))
    patterns.push(`\\b(?:${DICT_CALLS})\\s*\\(\\s*dict\\([^()]{0,2000}?\\b(?<n>${escapeRegex(name)})\\s*=(?!=)`);
  return patterns.map((p) => new RegExp(p, 'gd'));
}

/**
 * The logging calls of `key` (and its variants) in one file's text, in file order; when there is none, the
 * lines that merely mention the name as a string literal. At most `max` hits.
 */
export function findMetricCalls(text: string, key: string, max = 50): MetricHit[] {
  const lineStarts = lineStartsOf(text);
  const calls = new Map<number, MetricHit>();
  const names = metricNameVariants(key);
  for (const name of names) {
    for (const re of metricCallPatterns(name)) {
      for (const m of text.matchAll(re)) {
        const at = m.indices?.groups?.['n']?.[0];
        if (at === undefined) continue;
        const hit = hitAt(text, lineStarts, at, 'call', name);
        if (!calls.has(hit.line)) calls.set(hit.line, hit);
      }
    }
    if (calls.size) break; // the exact key beats its variants
  }
  if (calls.size) return [...calls.values()].sort((a, b) => a.line - b.line).slice(0, max);
  const mentions: MetricHit[] = [];
  const re = new RegExp(`(?<q>["'])(?<n>${escapeRegex(key)})\\k<q>`, 'gd');
  for (const m of text.matchAll(re)) {
    const hit = hitAt(text, lineStarts, m.indices!.groups!['n']![0], 'mention', key);
    if (!mentions.some((h) => h.line === hit.line)) mentions.push(hit);
    if (mentions.length >= max) break;
  }
  return mentions;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function hitAt(
  text: string,
  lineStarts: readonly number[],
  offset: number,
  kind: MetricHit['kind'],
  name: string,
): MetricHit {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  const start = lineStarts[lo]!;
  const end = text.indexOf('\n', start);
  return { line: lo, column: offset - start, text: text.slice(start, end < 0 ? undefined : end).trim(), kind, name };
}
