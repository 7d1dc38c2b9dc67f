import * as path from 'node:path';
import * as vscode from 'vscode';
import { guessDirection, type Direction } from '../core/compare/direction';
import { formatNumber, formatParam, mdCell } from '../core/compare/format';
import type { Run } from '../core/model';
import { configLeaves, matchConfig, ParamKeyIndex, type ConfigMatch } from './git/configKeys';
import type { IndexService } from './indexService';
import { keyMetric } from './runsTree';
import { readSettings } from './settings';

/** Config files the hovers and the CodeLens look at. */
export const CONFIG_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.{yaml,yml,json}' },
  { scheme: 'untitled', language: 'yaml' },
];

const MAX_ROWS = 20;

/** The hover and the CodeLens over config files whose keys runs recorded as params. */
export function registerConfigLens(service: IndexService): vscode.Disposable {
  const lens = new ConfigLens(service);
  return vscode.Disposable.from(
    lens,
    vscode.languages.registerHoverProvider(CONFIG_SELECTOR, lens),
    vscode.languages.registerCodeLensProvider(CONFIG_SELECTOR, lens),
  );
}

interface Analysis extends ConfigMatch {
  version: number;
}

/**
 * Answers from memory: the param index (param key → runs) is rebuilt once per index change, each document is
 * parsed once per version; a hover is then a lookup and a small table.
 */
export class ConfigLens implements vscode.HoverProvider, vscode.CodeLensProvider, vscode.Disposable {
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensEmitter.event;
  private index: ParamKeyIndex | undefined;
  private readonly docs = new Map<string, Analysis>();
  private readonly disposables: vscode.Disposable[] = [this.lensEmitter];

  constructor(private readonly service: IndexService) {
    this.disposables.push(
      service.onDidChange(() => {
        this.index = undefined;
        this.docs.clear();
        this.lensEmitter.fire();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.docs.delete(d.uri.toString())),
      vscode.workspace.onDidChangeConfiguration(
        (e) => e.affectsConfiguration('runlens.keyMetric') && this.lensEmitter.fire(),
      ),
    );
  }

  private paramIndex(): ParamKeyIndex {
    this.index ??= new ParamKeyIndex(this.service.index?.runs() ?? []);
    return this.index;
  }

  /** The document's keys matched to params and the runs that recorded them (cached per document version). */
  analyse(doc: vscode.TextDocument): Analysis {
    const cached = this.docs.get(doc.uri.toString());
    if (cached && cached.version === doc.version) return cached;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    const rel = folder ? path.relative(folder.uri.fsPath, doc.uri.fsPath) : path.basename(doc.uri.fsPath);
    const dirs = path
      .dirname(rel)
      .split(path.sep)
      .filter((d) => d && d !== '.');
    const analysis = { version: doc.version, ...matchConfig(configLeaves(doc.getText()), this.paramIndex(), dirs) };
    this.docs.set(doc.uri.toString(), analysis);
    return analysis;
  }

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const a = this.analyse(doc);
    if (a.runs.length === 0) return undefined;
    const leaf =
      a.leaves.find((l) => l.line === pos.line) ?? a.leaves.find((l) => pos.line > l.line && pos.line <= l.endLine);
    if (!leaf) return undefined;
    const inDoc = new Set(a.runs);
    const uses = this.paramIndex()
      .usesOfAny(leaf.keys)
      .filter((u) => inDoc.has(u.run));
    if (uses.length === 0) return undefined;
    const metric = commonKeyMetric(uses.map((u) => u.run));
    const dir = metric ? guessDirection(metric) : undefined;
    const byValue = new Map<string, Run[]>();
    for (const u of uses) {
      const v = formatParam(u.value);
      byValue.set(v, [...(byValue.get(v) ?? []), u.run]);
    }
    const rows = [...byValue.entries()].map(([value, runs]) => {
      const best = metric ? bestRun(runs, metric, dir) : undefined;
      return { value, runs, best, score: best ? metricValue(best, metric!) : undefined };
    });
    rows.sort(
      (x, y) => compareScores(x.score, y.score, dir) || y.runs.length - x.runs.length || x.value.localeCompare(y.value),
    );
    const md = new vscode.MarkdownString();
    md.isTrusted = false;
    md.supportHtml = false;
    const keyNames = leaf.keys.filter((k) => uses.some((u) => k in u.run.params));
    md.appendMarkdown(`**${mdCell(keyNames.join(' / '))}** `);
    md.appendText(
      `— ${byValue.size} value${byValue.size === 1 ? '' : 's'} across ${uses.length} run${uses.length === 1 ? '' : 's'}${metric ? ` · ${metric} (${dir === 'higher' ? 'higher' : dir === 'lower' ? 'lower' : 'last'}${dir ? ' is better' : ' value'})` : ''}\n\n`,
    );
    const header = [
      keyNames[0] ?? leaf.path.join('.'),
      'runs',
      ...(metric ? [`${dir ? 'best ' : ''}${metric}`, 'run'] : ['run']),
    ];
    const body = rows
      .slice(0, MAX_ROWS)
      .map((r) => [
        r.value,
        String(r.runs.length),
        ...(metric ? [formatNumber(r.score), r.best?.name ?? ''] : [r.runs[0]!.name]),
      ]);
    md.appendMarkdown(markdownTable(header, body, metric ? ['l', 'r', 'r', 'l'] : ['l', 'r', 'l']));
    if (rows.length > MAX_ROWS) md.appendText(`\n\n… ${rows.length - MAX_ROWS} more values`);
    return new vscode.Hover(md, new vscode.Range(leaf.line, leaf.start, leaf.line, leaf.end));
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const a = this.analyse(doc);
    if (a.runs.length === 0) return [];
    const title = summaryTitle(a);
    return [
      new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
        title,
        tooltip: 'Compare these runs',
        command: 'runlens.compareRuns',
        arguments: [undefined, a.runs.map((r) => r.id)],
      }),
    ];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** "14 runs · best val_loss 0.213 at lr=0.0003" — the key shown is the one of the file whose value varies most. */
export function summaryTitle(a: ConfigMatch): string {
  const n = a.runs.length;
  const head = `${n} run${n === 1 ? '' : 's'}`;
  const metric = commonKeyMetric(a.runs);
  if (!metric) return `${head} recorded these keys`;
  const dir = guessDirection(metric);
  const best = bestRun(a.runs, metric, dir);
  if (!best) return `${head} recorded these keys`;
  // The file's key whose value varies most across the runs, named as the best run recorded it.
  const valueOf = (r: Run, keys: readonly string[]): string | undefined => {
    const k = keys.find((x) => x in r.params);
    return k === undefined ? undefined : formatParam(r.params[k]);
  };
  const spread = (keys: readonly string[]): number =>
    new Set(a.runs.map((r) => valueOf(r, keys)).filter((v) => v !== undefined)).size;
  const leaf = a.leaves
    .filter((l) => spread(l.keys) > 1 && valueOf(best, l.keys) !== undefined)
    .sort((x, y) => spread(y.keys) - spread(x.keys))[0];
  const bestKey = leaf?.keys.find((k) => k in best.params);
  const at = leaf && bestKey ? ` at ${bestKey}=${valueOf(best, leaf.keys)}` : '';
  return `${head} · ${dir ? 'best' : 'last'} ${metric} ${formatNumber(metricValue(best, metric))}${at}`.replace(
    /[\r\n]+/g,
    ' ',
  );
}

/** A table of untrusted text: HTML, pipes, backticks and link syntax escaped (mdCell), then emphasis too. */
function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ('l' | 'r')[],
): string {
  const cell = (s: string): string => mdCell(s).replace(/[*_!~#]/g, '\\$&');
  const sep = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [header.map(cell), sep, ...rows.map((r) => r.map(cell))].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** The configured key metric when runs have it; else the one most runs would show in the tree. */
function commonKeyMetric(runs: readonly Run[]): string | undefined {
  const configured = readSettings().keyMetric;
  if (configured && runs.some((r) => configured in r.metrics)) return configured;
  const counts = new Map<string, number>();
  for (const r of runs) {
    const k = keyMetric(r, '');
    if (k) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** The run's final value of a metric (what the tree shows). */
function metricValue(run: Run, metric: string): number | undefined {
  const v = run.metrics[metric]?.last;
  return v === null || v === undefined || Number.isNaN(v) ? undefined : v;
}

function bestRun(runs: readonly Run[], metric: string, dir: Direction | undefined): Run | undefined {
  let best: Run | undefined;
  for (const r of runs) {
    const v = metricValue(r, metric);
    if (v === undefined) continue;
    if (!best || compareScores(v, metricValue(best, metric), dir) < 0) best = r;
  }
  return best;
}

/** Negative when `a` is better; missing values last. */
function compareScores(a: number | undefined, b: number | undefined, dir: Direction | undefined): number {
  if (a === undefined || b === undefined) return (a === undefined ? 1 : 0) - (b === undefined ? 1 : 0);
  return dir === 'higher' ? b - a : a - b;
}
