import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Run } from '../../core/model';
import type { CommitResolver } from '../git/commitResolver';
import { commitDescription, type CommitState } from '../git/commitState';
import { GitStatus, type GitApi, type GitChange } from '../git/gitApiTypes';
import { findMetricCalls, metricNameVariants, type MetricHit } from '../git/metricCalls';
import { patchedUri, type PatchedFiles, type RunChanges } from '../git/patchedFiles';
import type { IndexService } from '../indexService';
import type { RunsNode } from '../runsTree';
import { runIdsMeant } from './runsMeant';

/** What the code-link commands work with (built by registerCodeLinks). */
export interface CodeLinkDeps {
  service: IndexService;
  resolver: CommitResolver;
  patched: PatchedFiles;
  treeView?: vscode.TreeView<RunsNode>;
}

/** What `runlens.openCommit` did (returned for the compare view and the tests). */
export type OpenCommitResult =
  | { opened: true; commit: string; files: number }
  | { opened: false; commit?: string; reason: 'no-run' | 'no-commit' | 'not-local' | 'no-git' | 'root-commit' };

/** What `runlens.compareCodeOfRuns` did. */
export type CompareCodeResult = { opened: true; files: string[] } | { opened: false; reason: string };

/** Files `runlens.findMetricInCode` looks at: Python sources, outside environments, caches and run folders. */
const PY_GLOB = '**/*.py';
const PY_EXCLUDE =
  '**/{node_modules,.git,.venv,venv,env,.env,site-packages,__pycache__,.tox,.mypy_cache,wandb,mlruns,outputs,multirun,lightning_logs}/**';
const MAX_PY_FILES = 5000;
const MAX_PY_BYTES = 2 * 1024 * 1024;
const MAX_HITS = 200;

/** Open Commit: the commit a run recorded (or was inferred to run), as a multi-file diff against its parent. */
export async function openCommit(deps: CodeLinkDeps, node?: unknown): Promise<OpenCommitResult> {
  const { service, resolver, treeView } = deps;
  const runId =
    runIdsMeant(treeView, node)[0] ??
    (await pickRun(deps, 'Runlens: Open Commit of Run', (r) => !!resolver.stateOf(r.id)));
  if (!runId) return { opened: false, reason: 'no-run' };
  const run = service.index?.runsByIds([runId])[0];
  const state = await stateFor(deps, runId);
  if (!run || !state) {
    void vscode.window.showInformationMessage(
      `Runlens: ${run ? `"${run.name}" recorded no commit and none could be inferred` : 'unknown run'}.`,
    );
    return { opened: false, reason: run ? 'no-commit' : 'no-run' };
  }
  const repo = resolver.repositoryOf(state);
  const git = resolver.git;
  if (!repo || !git || !state.isLocal) {
    const where = state.repoRoot
      ? `the local repository ${vscode.workspace.asRelativePath(state.repoRoot)}`
      : 'any open git repository';
    void vscode.window
      .showWarningMessage(
        `Runlens: commit ${state.commit} of "${run.name}" is not in ${where}${run.git.remote ? ` (recorded remote: ${run.git.remote})` : ''}. Fetch it, or check out the repository it came from.`,
        'Copy Hash',
      )
      .then((a) => a && vscode.env.clipboard.writeText(state.commit));
    return { opened: false, commit: state.commit, reason: git ? 'not-local' : 'no-git' };
  }
  const commit = await repo.getCommit(state.commit);
  const parent = commit.parents[0];
  const when = commit.authorDate ? commit.authorDate.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '';
  const inferred = state.source === 'inferred' ? 'inferred ' : '';
  void vscode.window
    .showInformationMessage(
      `Runlens: ${inferred}commit ${commit.hash.slice(0, 7)} "${firstLine(commit.message)}" — ${commit.authorName ?? 'unknown author'}${when ? `, ${when}` : ''}`,
      'Copy Hash',
    )
    .then((a) => a && vscode.env.clipboard.writeText(commit.hash));
  if (!parent) {
    void vscode.window.showInformationMessage(
      `Runlens: ${commit.hash.slice(0, 7)} is the repository's first commit: there is no parent to compare it with.`,
    );
    return { opened: false, commit: commit.hash, reason: 'root-commit' };
  }
  const changes = await repo.diffBetween(parent, commit.hash);
  const resources = changes.map((c) => changeResource(git, c, parent, commit.hash));
  await vscode.commands.executeCommand(
    'vscode.changes',
    `${inferred}${commit.hash.slice(0, 7)} ${firstLine(commit.message)} (${run.name})`,
    resources,
  );
  return { opened: true, commit: commit.hash, files: resources.length };
}

/** Compare Code of Runs: the code two runs ran (commits plus recorded uncommitted changes), file by file. */
export async function compareCodeOfRuns(deps: CodeLinkDeps, a?: unknown, b?: unknown): Promise<CompareCodeResult> {
  const { service, resolver, patched, treeView } = deps;
  let ids = typeof a === 'string' && typeof b === 'string' ? [a, b] : runIdsMeant(treeView, a, b);
  if (ids.length !== 2) {
    const first = await pickRun(deps, 'Runlens: Compare Code of Runs — first run', (r) => !!resolver.stateOf(r.id));
    const second =
      first &&
      (await pickRun(
        deps,
        'Runlens: Compare Code of Runs — second run',
        (r) => r.id !== first && !!resolver.stateOf(r.id),
      ));
    if (!first || !second) return { opened: false, reason: 'cancelled' };
    ids = [first, second];
  }
  const runs = ids.map((id) => service.index?.runsByIds([id])[0]);
  const states = await Promise.all(ids.map((id) => stateFor(deps, id)));
  const git = resolver.git;
  const missing = runs.findIndex((r, i) => !r || !states[i] || !states[i]!.isLocal);
  if (missing >= 0 || !git) {
    const run = runs[missing];
    const st = states[missing];
    const why = !run
      ? 'is not indexed'
      : !st
        ? 'recorded no commit'
        : `recorded commit ${st.commit}, which is not in the local repository`;
    void vscode.window
      .showWarningMessage(
        `Runlens: cannot compare code: ${run ? `"${run.name}"` : 'a run'} ${why}.`,
        ...(st ? ['Copy Hash'] : []),
      )
      .then((x) => {
        if (x && st) void vscode.env.clipboard.writeText(st.commit);
      });
    return { opened: false, reason: why };
  }
  const [ra, rb] = runs as [Run, Run];
  const [sa, sb] = states as [CommitState, CommitState];
  const repo = resolver.repositoryOf(sa);
  if (!repo || sa.repoRoot !== sb.repoRoot) {
    void vscode.window.showWarningMessage(
      `Runlens: "${ra.name}" and "${rb.name}" belong to different repositories: nothing to compare.`,
    );
    return { opened: false, reason: 'different repositories' };
  }
  const [pa, pb] = await Promise.all([patched.changesOf(sa), patched.changesOf(sb)]);
  // diffBetween is `a...b`: ask both ways and take the union when the histories diverged.
  const files = new Map<string, { inA: boolean; inB: boolean }>();
  if (sa.commit !== sb.commit) {
    const base = await repo.getMergeBase(sa.commit, sb.commit);
    const forward = await repo.diffBetween(sa.commit, sb.commit);
    const backward = base === sa.commit || base === sb.commit ? [] : await repo.diffBetween(sb.commit, sa.commit);
    for (const c of forward) files.set(c.uri.fsPath, { inA: !isAdded(c), inB: !isDeleted(c) });
    for (const c of backward)
      if (!files.has(c.uri.fsPath)) files.set(c.uri.fsPath, { inA: !isDeleted(c), inB: !isAdded(c) });
  }
  for (const rel of [...pa.paths, ...pb.paths]) {
    const abs = path.join(repo.rootUri.fsPath, rel);
    if (!files.has(abs)) files.set(abs, { inA: true, inB: true });
  }
  if (files.size === 0) {
    void vscode.window.showInformationMessage(
      `Runlens: "${ra.name}" and "${rb.name}" ran the same code (${sa.commit.slice(0, 7)}${sa.recordedDirty || sb.recordedDirty ? ', uncommitted changes not recorded' : ''}).`,
    );
    return { opened: true, files: [] };
  }
  const side = (
    st: CommitState,
    run: Run,
    changes: RunChanges,
    abs: string,
    exists: boolean,
  ): vscode.Uri | undefined => {
    const rel = path.relative(repo.rootUri.fsPath, abs).split(path.sep).join('/');
    if (changes.paths.includes(rel)) return patchedUri(run.id, st.commit, repo.rootUri.fsPath, rel);
    return exists ? git.toGitUri(vscode.Uri.file(abs), st.commit) : undefined;
  };
  const sorted = [...files.entries()].sort(([x], [y]) => x.localeCompare(y));
  const resources = sorted.map(
    ([abs, f]) => [vscode.Uri.file(abs), side(sa, ra, pa, abs, f.inA), side(sb, rb, pb, abs, f.inB)] as const,
  );
  const label = (st: CommitState, ch: RunChanges): string =>
    `${st.source === 'inferred' ? 'inferred ' : ''}${st.commit.slice(0, 7)}${ch.paths.length ? ' + uncommitted' : ''}`;
  await vscode.commands.executeCommand(
    'vscode.changes',
    `${ra.name} (${label(sa, pa)}) ↔ ${rb.name} (${label(sb, pb)})`,
    resources,
  );
  return {
    opened: true,
    files: sorted.map(([abs]) => path.relative(repo.rootUri.fsPath, abs).split(path.sep).join('/')),
  };
}

/** Find Metric in Code: the logging calls of a metric in the workspace's Python files. */
export async function findMetricInCode(
  { service }: CodeLinkDeps,
  key?: unknown,
): Promise<Array<{ uri: vscode.Uri; hit: MetricHit }>> {
  let name = typeof key === 'string' ? key : undefined;
  if (!name) {
    await service.ready;
    const keys = [...new Set((service.index?.runs() ?? []).flatMap((r) => Object.keys(r.metrics)))].sort();
    name = await vscode.window.showQuickPick(keys, {
      title: 'Runlens: Find Metric in Code',
      placeHolder: 'Metric to look for in the Python code',
    });
    if (!name) return [];
  }
  const hits = await findMetricInWorkspace(name);
  if (hits.length === 0) {
    void vscode.window.showInformationMessage(
      `Runlens: no logging call of "${name}" found in the workspace's Python files.`,
    );
    return [];
  }
  const open = async (h: { uri: vscode.Uri; hit: MetricHit }): Promise<void> => {
    const at = new vscode.Position(h.hit.line, h.hit.column);
    await vscode.window.showTextDocument(h.uri, {
      selection: new vscode.Range(at, at.translate(0, h.hit.name.length)),
      preview: true,
    });
  };
  if (hits.length === 1) await open(hits[0]!);
  else {
    const mentions = hits[0]!.hit.kind === 'mention';
    const pick = await vscode.window.showQuickPick(
      hits.map((h) => ({
        label: `${vscode.workspace.asRelativePath(h.uri)}:${h.hit.line + 1}`,
        description: h.hit.name !== name ? `logged as "${h.hit.name}"` : undefined,
        detail: h.hit.text,
        h,
      })),
      {
        title: mentions
          ? `Runlens: "${name}" is not logged by a known call; lines mentioning it`
          : `Runlens: where "${name}" is logged`,
        matchOnDetail: true,
      },
    );
    if (pick) await open(pick.h);
  }
  return hits;
}

/** Logging calls of a metric in the workspace's Python files: calls first; plain mentions only when there is no call. */
export async function findMetricInWorkspace(key: string): Promise<Array<{ uri: vscode.Uri; hit: MetricHit }>> {
  const uris = await vscode.workspace.findFiles(PY_GLOB, PY_EXCLUDE, MAX_PY_FILES);
  uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  const names = metricNameVariants(key);
  const calls: Array<{ uri: vscode.Uri; hit: MetricHit }> = [];
  const mentions: Array<{ uri: vscode.Uri; hit: MetricHit }> = [];
  for (const uri of uris) {
    let text: string;
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      if (bytes.byteLength > MAX_PY_BYTES) continue;
      text = new TextDecoder().decode(bytes);
    } catch {
      continue;
    }
    if (!names.some((n) => text.includes(n))) continue;
    for (const hit of findMetricCalls(text, key)) (hit.kind === 'call' ? calls : mentions).push({ uri, hit });
    if (calls.length >= MAX_HITS) break;
  }
  return (calls.length ? calls : mentions).slice(0, MAX_HITS);
}

async function stateFor({ service, resolver }: CodeLinkDeps, runId: string): Promise<CommitState | undefined> {
  await service.ready;
  await resolver.whenIdle();
  return resolver.stateOf(runId);
}

async function pickRun(
  { service, resolver }: CodeLinkDeps,
  title: string,
  filter: (r: Run) => boolean,
): Promise<string | undefined> {
  await service.ready;
  await resolver.whenIdle();
  const runs = (service.index?.runs() ?? []).filter(filter);
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('Runlens: no run with a commit found.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    runs.map((r) => ({
      label: r.name,
      description: `${r.format} · ${describeCommit(resolver.stateOf(r.id))}`,
      id: r.id,
    })),
    { title, matchOnDescription: true },
  );
  return pick?.id;
}

function changeResource(
  git: GitApi,
  c: GitChange,
  left: string,
  right: string,
): [vscode.Uri, vscode.Uri | undefined, vscode.Uri | undefined] {
  return [
    c.uri,
    isAdded(c) ? undefined : git.toGitUri(c.originalUri, left),
    isDeleted(c) ? undefined : git.toGitUri(c.uri, right),
  ];
}

function isAdded(c: GitChange): boolean {
  return c.status === GitStatus.INDEX_ADDED || c.status === GitStatus.UNTRACKED;
}

function isDeleted(c: GitChange): boolean {
  return c.status === GitStatus.INDEX_DELETED || c.status === GitStatus.DELETED;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

function describeCommit(state: CommitState | undefined): string {
  return state ? commitDescription(state).split('\n')[0]! : 'no commit';
}
