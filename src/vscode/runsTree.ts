import { sourceBadge } from './sourceBadge';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { guessDirection } from '../core/compare/direction';
import { formatDuration, formatNumber, formatParam } from '../core/compare/format';
import { isoTime } from '../core/index';
import { runMatchesText } from '../core/runFilter';
import type { Diagnostic, Run, RunStatus } from '../core/model';
import { configurationGroups } from './configGroups';
import type { CommitResolver } from './git/commitResolver';
import { commitBadge, commitDescription, type CommitState } from './git/commitState';
import type { IndexService } from './indexService';
import { readSettings, type GroupBy } from './settings';
import { expressionMatches } from './treeFilter';
import type { RunMarks } from './runMarks';
import type { SavedViewsProvider, ViewItem } from './views/savedViews';

/** The nodes of the Runs view. */
export type RunsNode =
  | { kind: 'group'; id: string; label: string; description: string; tooltip?: string; runs: Run[] }
  | { kind: 'run'; run: Run; children: Run[] }
  | { kind: 'problems'; diagnostics: Diagnostic[] }
  | { kind: 'problem'; diagnostic: Diagnostic; index: number }
  | { kind: 'views' }
  | { kind: 'view'; item: ViewItem };

const STATUS_ICONS: Record<RunStatus, [string, string | undefined]> = {
  running: ['sync~spin', 'charts.blue'],
  finished: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  killed: ['circle-slash', 'charts.orange'],
  unknown: ['circle-outline', undefined],
};

/**
 * The Runs tree: grouped by experiment / format / commit / none, filtered by text, with starred runs first,
 * nested MLflow runs under their parent, and one item listing the files that could not be read.
 */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private groupBy: GroupBy;
  private filterText = '';
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly service: IndexService,
    private readonly marks: RunMarks,
    private readonly workspaceState: vscode.Memento,
  ) {
    this.groupBy = workspaceState.get<GroupBy>('runlens.groupBy') ?? readSettings().groupBy;
    this.disposables.push(
      this.changed,
      service.onDidChange(() => this.refresh()),
      service.onDidChangeState(() => this.refresh()),
      marks.onDidChange(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          ['keyMetric', 'showDeletedRuns', 'metricAliases', 'seedParams'].some((k) =>
            e.affectsConfiguration(`runlens.${k}`),
          )
        )
          this.refresh();
      }),
    );
  }

  private commits: CommitResolver | undefined;

  /** Shows each run's commit state (resolved in the background) in its description and tooltip. */
  useCommits(resolver: CommitResolver): void {
    this.commits = resolver;
    this.disposables.push(resolver.onDidChange(() => this.refresh()));
    this.refresh();
  }

  private views: SavedViewsProvider | undefined;

  /** Lists the saved views under a Views node at the top of the tree (when there are any). */
  useSavedViews(views: SavedViewsProvider): void {
    this.views = views;
    this.disposables.push(views.onDidChange(() => this.refresh()));
    this.refresh();
  }

  get grouping(): GroupBy {
    return this.groupBy;
  }

  get filter(): string {
    return this.filterText;
  }

  setGroupBy(g: GroupBy): void {
    this.groupBy = g;
    void this.workspaceState.update('runlens.groupBy', g);
    this.refresh();
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    void vscode.commands.executeCommand('setContext', 'runlens.filtered', this.filterText !== '');
    this.refresh();
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Runs shown (after the filter and the deleted-runs setting), in display order. */
  visibleRuns(): Run[] {
    const index = this.service.index;
    if (!index) return [];
    const settings = readSettings();
    const needle = this.filterText.toLowerCase();
    const selected = expressionMatches(index, this.filterText);
    return index
      .runs()
      .filter((r) => settings.showDeletedRuns || !r.deleted)
      .filter((r) => !needle || (selected ? selected.has(r.id) : runMatchesText(r, needle)))
      .sort(
        (a, b) =>
          Number(this.marks.isStarred(b.id)) - Number(this.marks.isStarred(a.id)) ||
          (b.startTime ?? 0) - (a.startTime ?? 0) ||
          a.name.localeCompare(b.name),
      );
  }

  getChildren(node?: RunsNode): RunsNode[] {
    if (node?.kind === 'group') return this.runNodes(node.runs);
    if (node?.kind === 'run') return node.children.map((c) => ({ kind: 'run', run: c, children: [] }));
    if (node?.kind === 'problems')
      return node.diagnostics.map((d, index) => ({ kind: 'problem', diagnostic: d, index }));
    if (node?.kind === 'views') return (this.views?.listed ?? []).map((item) => ({ kind: 'view', item }));
    if (node) return [];
    const index = this.service.index;
    if (!index) return [];
    const runs = this.visibleRuns();
    const problems = index.diagnostics();
    const top: RunsNode[] = this.views?.listed.length ? [{ kind: 'views' }] : [];
    if (this.groupBy === 'none') top.push(...this.runNodes(runs));
    else top.push(...this.groups(runs));
    if (problems.length) top.push({ kind: 'problems', diagnostics: problems });
    if (runs.length === 0 && this.filterText && index.runCount() > 0) {
      return [
        {
          kind: 'group',
          id: 'nomatch',
          label: `No runs match "${this.filterText}"`,
          description: 'Clear the filter to see all runs',
          runs: [],
        },
        ...top,
      ];
    }
    return top;
  }

  getParent(node: RunsNode): RunsNode | undefined {
    if (node.kind === 'problem') return { kind: 'problems', diagnostics: this.service.index?.diagnostics() ?? [] };
    if (node.kind === 'view') return { kind: 'views' };
    return undefined;
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(
          node.label,
          node.runs.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `group:${this.groupBy}:${node.id}`;
        item.description = node.description;
        if (node.tooltip) item.tooltip = node.tooltip;
        item.contextValue = 'runlens:group';
        item.iconPath = new vscode.ThemeIcon(
          this.groupBy === 'commit'
            ? 'git-commit'
            : this.groupBy === 'format'
              ? 'symbol-namespace'
              : this.groupBy === 'configuration'
                ? 'layers'
                : 'beaker',
        );
        return item;
      }
      case 'run':
        return this.runItem(node.run, node.children.length > 0);
      case 'views': {
        const n = this.views?.listed.length ?? 0;
        const item = new vscode.TreeItem('Views', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'views';
        item.description = `${n} saved`;
        item.iconPath = new vscode.ThemeIcon('bookmark');
        item.contextValue = 'runlens:views';
        item.tooltip = 'Saved views: .vscode/runlens/views/<name>.json. A click opens the runs table in that state.';
        return item;
      }
      case 'view':
        return this.views!.getTreeItem(node.item);
      case 'problems': {
        const files = new Set(node.diagnostics.map((d) => d.path)).size;
        const item = new vscode.TreeItem(
          `${files} file${files === 1 ? '' : 's'} could not be read`,
          vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = 'problems';
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.contextValue = 'runlens:problems';
        item.tooltip = 'Files Runlens found but could not read fully. The rest of the index is unaffected.';
        return item;
      }
      case 'problem': {
        const d = node.diagnostic;
        const item = new vscode.TreeItem(d.path, vscode.TreeItemCollapsibleState.None);
        item.id = `problem:${node.index}:${d.path}`;
        item.description = d.message;
        item.tooltip = new vscode.MarkdownString().appendText(`${d.severity}: ${d.path}\n\n${d.message}`);
        item.iconPath = new vscode.ThemeIcon(d.severity === 'error' ? 'error' : 'warning');
        const uri = this.fileUri(d.path);
        if (uri) item.command = { command: 'vscode.open', title: 'Open File', arguments: [uri] };
        return item;
      }
    }
  }

  private runNodes(runs: Run[]): RunsNode[] {
    // Nested runs (MLflow parentRunId) sit under their parent when the parent is shown too.
    const shown = new Set(runs.map((r) => r.id));
    const children = new Map<string, Run[]>();
    for (const r of runs)
      if (r.parentId && shown.has(r.parentId)) children.set(r.parentId, [...(children.get(r.parentId) ?? []), r]);
    return runs
      .filter((r) => !(r.parentId && shown.has(r.parentId)))
      .map((r) => ({ kind: 'run', run: r, children: children.get(r.id) ?? [] }));
  }

  private groups(runs: Run[]): RunsNode[] {
    if (this.groupBy === 'configuration') return configurationGroups(runs, readSettings(), keyMetric);
    const groups = new Map<string, { label: string; runs: Run[] }>();
    for (const r of runs) {
      const [id, label] = this.groupOf(r);
      const g = groups.get(id) ?? { label, runs: [] };
      g.runs.push(r);
      groups.set(id, g);
    }
    return [...groups.entries()]
      .sort(([, a], [, b]) => a.label.localeCompare(b.label))
      .map(([id, g]) => ({
        kind: 'group',
        id,
        label: g.label,
        description: `${g.runs.length} run${g.runs.length === 1 ? '' : 's'}`,
        runs: g.runs,
      }));
  }

  private groupOf(r: Run): [string, string] {
    switch (this.groupBy) {
      case 'format':
        return [r.format, r.format];
      case 'commit':
        return r.git.commit
          ? [r.git.commit, `${r.git.commit.slice(0, 8)}${r.git.branch ? ` (${r.git.branch})` : ''}`]
          : ['', 'No commit recorded'];
      default:
        return r.experiment ? [`${r.format}:${r.experiment}`, r.experiment] : [`${r.format}:`, `${r.format} runs`];
    }
  }

  private runItem(run: Run, hasChildren: boolean): vscode.TreeItem {
    const starred = this.marks.isStarred(run.id);
    const item = new vscode.TreeItem(
      run.name,
      hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = run.id;
    const [icon, color] = STATUS_ICONS[run.status];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const bits: string[] = [];
    if (starred) bits.push('★');
    if (this.marks.baseline === run.id) bits.push('baseline');
    const key = keyMetric(run, readSettings().keyMetric);
    if (key) bits.push(`${key} ${formatNumber(run.metrics[key]!.last)}`);
    if (this.groupBy !== 'format') bits.push(run.format);
    if (run.deleted) bits.push('deleted');
    const source = sourceBadge(run, this.service.index?.sources() ?? []);
    if (source) bits.push(source);
    const commit = this.commits?.stateOf(run.id);
    const badge = commitBadge(commit);
    if (badge) bits.push(badge);
    item.description = bits.join(' · ');
    item.tooltip = runTooltip(run, commit);
    item.contextValue = `${starred ? 'runlens:run:starred' : 'runlens:run'}${commit ? ':commit' : ''}`;
    item.accessibilityInformation = {
      label: `${run.name}, ${run.format} run, ${run.status}${key ? `, ${key} ${formatNumber(run.metrics[key]!.last)}` : ''}`,
    };
    return item;
  }

  /** The file a diagnostic names, in whichever workspace folder holds it. */
  private fileUri(rel: string): vscode.Uri | undefined {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const folder = folders.find((f) => fs.existsSync(path.join(f.uri.fsPath, rel))) ?? folders[0];
    return folder ? vscode.Uri.joinPath(folder.uri, rel) : undefined;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The metric shown beside a run: the configured one, else the first loss-like, else accuracy-like, else any. */
export function keyMetric(run: Run, configured: string): string | undefined {
  const keys = Object.keys(run.metrics);
  if (configured && configured in run.metrics) return configured;
  const prefer = (k: string): number => (/val|eval|test/i.test(k) ? 0 : 1);
  const sorted = [...keys].sort((a, b) => prefer(a) - prefer(b) || a.localeCompare(b));
  return (
    sorted.find((k) => guessDirection(k) === 'lower') ?? sorted.find((k) => guessDirection(k) === 'higher') ?? sorted[0]
  );
}

/** Tooltip built with appendText/appendCodeblock only: run strings are untrusted and never parsed as Markdown. */
function runTooltip(run: Run, commit?: CommitState): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.supportHtml = false;
  md.isTrusted = false;
  md.appendText(`${run.name} — ${run.format}, ${run.status}${run.deleted ? ' (deleted)' : ''}\n`);
  const lines: string[] = [];
  if (run.experiment) lines.push(`experiment: ${run.experiment}`);
  const start = isoTime(run.startTime);
  if (start) lines.push(`started: ${start.replace('T', ' ').slice(0, 19)} UTC`);
  if (run.startTime !== null && run.endTime !== null)
    lines.push(`duration: ${formatDuration(run.endTime - run.startTime)}`);
  if (commit) lines.push(...commitDescription(commit).split('\n'));
  else if (run.git.commit)
    lines.push(
      `commit: ${run.git.commit.slice(0, 12)}${run.git.branch ? ` (${run.git.branch})` : ''}${run.git.dirty ? ' + uncommitted changes' : ''}`,
    );
  lines.push(`path: ${run.path || '.'}`);
  lines.push(`id: ${run.id}`);
  const params = Object.entries(run.params);
  if (params.length) {
    lines.push('', 'params:');
    for (const [k, v] of params.slice(0, 20)) lines.push(`  ${k} = ${formatParam(v)}`);
    if (params.length > 20) lines.push(`  … ${params.length - 20} more`);
  }
  const metrics = Object.entries(run.metrics);
  if (metrics.length) {
    lines.push('', 'metrics (last):');
    for (const [k, m] of metrics.slice(0, 12)) lines.push(`  ${k} = ${formatNumber(m.last)}`);
    if (metrics.length > 12) lines.push(`  … ${metrics.length - 12} more`);
  }
  md.appendCodeblock(lines.join('\n'), 'text');
  return md;
}
