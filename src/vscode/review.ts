import * as vscode from 'vscode';
import type { Run } from '../core/model';
import { loadReviewConfig } from '../core/review/config';
import { Git } from '../core/review/git';
import { plainText } from '../core/compare/format';
import { noBaselineHeader, reviewHeader } from '../core/review/header';
import { noBaselineMarkdown, reviewSummaryMarkdown, reviewToMarkdown } from '../core/review/markdown';
import { NoRunsError, review, type Review, type ReviewSide } from '../core/review/review';
import type { ReviewHeader } from '../protocol';
import type { PanelReview } from './compare/comparePanel';
import { registerCommand } from './commandBoundary';
import type { CommandId } from './commandIds';
import { getGitApi } from './git/gitApi';
import type { IndexService } from './indexService';

export interface ReviewDeps {
  service: IndexService;
  log: vscode.LogOutputChannel;
  /** Opens the compare panel on these runs (the existing compare view), with the review above them. */
  compare(runIds: string[], baselineId?: string, review?: PanelReview): void;
}

/**
 * "Runlens: Review Against Base Branch…": the same review as `runlens review` (the repository's .runlens.yml
 * included), shown as the compare view of head's runs against the baseline's with the verdict and the groups in its
 * header, the comment the CLI would post one click away (Copy as Markdown), and the code change too.
 */
export function registerReview(deps: ReviewDeps): vscode.Disposable {
  const command = (id: CommandId, fn: (...args: never[]) => unknown): vscode.Disposable =>
    registerCommand(id, deps.log, fn);
  return command('runlens.reviewAgainstBase', async (baseArg?: unknown) => {
    const folder = await pickFolder();
    if (!folder) return undefined;
    const dir = folder.uri.fsPath;
    const { settings, file } = loadReviewConfig(dir);
    const base = typeof baseArg === 'string' ? baseArg : await pickBase(dir, settings.base);
    if (!base) return undefined;
    const opts = { alpha: settings.noiseAlpha, beyondNoise: settings.beyondNoise };
    let result: Review;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Runlens: reviewing against ${base}…` },
        () => review({ dir, settings: { ...settings, base } }),
      );
    } catch (err) {
      // No baseline: the head's runs are still shown, with the verdict saying why there is nothing to compare.
      if (err instanceof NoRunsError && err.head) return noBaseline(deps, folder, err.head, err.message, opts);
      throw err;
    }
    const md = reviewToMarkdown(result, { alpha: settings.noiseAlpha });
    deps.log.info(
      `review against ${base}: ${result.verdict} (${result.head.runs.length} head runs, ${result.base.runs.length} baseline runs${file ? `, gates from ${file}` : ''})`,
    );
    const indexed = {
      base: indexedRuns(deps.service, folder, result.base.runs),
      head: indexedRuns(deps.service, folder, result.head.runs),
    };
    const header = reviewHeader(result, opts);
    if (indexed.base.length + indexed.head.length >= 2 && indexed.base.length)
      deps.compare(
        [...indexed.base, ...indexed.head].map((r) => r.id),
        indexed.base[0]!.id,
        { header, markdown: reviewSummaryMarkdown(result, { alpha: settings.noiseAlpha }) },
      );
    else {
      // Runs read from a commit's tree exist only inside the review: the comment, as a preview, shows them instead.
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: md });
      await vscode.commands.executeCommand('markdown.showPreviewToSide', doc.uri);
    }
    void announce(result, md, indexed, dir);
    return {
      verdict: result.verdict,
      markdown: md,
      header,
      comparedRunIds: [...indexed.base, ...indexed.head].map((r) => r.id),
    };
  });
}

/** The review found the head's runs and no baseline's: the head's runs in the compare view, the reason above them. */
function noBaseline(
  deps: ReviewDeps,
  folder: vscode.WorkspaceFolder,
  head: ReviewSide,
  reason: string,
  opts: { alpha: number; beyondNoise: boolean },
): { verdict: 'no-baseline'; header: ReviewHeader; comparedRunIds: string[] } {
  const runs = indexedRuns(deps.service, folder, head.runs);
  if (!runs.length) throw new Error(reason);
  const header = noBaselineHeader(head, reason, opts);
  deps.compare(
    runs.map((r) => r.id),
    undefined,
    { header, markdown: noBaselineMarkdown(head, reason) },
  );
  deps.log.info(`review: ${reason}`);
  void vscode.window.showWarningMessage(`Runlens review: ${plainText(reason)}`);
  return { verdict: 'no-baseline', header, comparedRunIds: runs.map((r) => r.id) };
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Runlens: the folder to review' });
}

/** The configured base first, then the default branch, then the other local branches. */
async function pickBase(dir: string, configured: string | undefined): Promise<string | undefined> {
  const git = await Git.open(dir);
  const fallback = configured ?? (await git.defaultBranch());
  const branches = (await git.run(['for-each-ref', '--format=%(refname:short)', 'refs/heads', 'refs/remotes']))
    .split('\n')
    .filter((b) => b && !b.endsWith('/HEAD'));
  const names = [...new Set([...(fallback ? [fallback] : []), ...branches])];
  const pick = await vscode.window.showQuickPick(
    names.map((n) => ({
      label: n,
      description: n === configured ? 'from .runlens.yml' : n === fallback ? 'default branch' : undefined,
    })),
    {
      title: 'Runlens: Review Against Base Branch…',
      placeHolder: 'The branch whose runs are the baseline (the merge-base with HEAD is used)',
    },
  );
  return pick?.label;
}

/** Those of a review's runs that the workspace index also holds (runs read from a commit's tree are not in it). */
function indexedRuns(service: IndexService, folder: vscode.WorkspaceFolder, list: readonly Run[]): Run[] {
  const runs = service.index?.runs() ?? [];
  const root = service.index?.roots.find((x) => x.path === folder.uri.fsPath);
  const find = (run: Run): Run | undefined =>
    runs.find((x) => x.format === run.format && x.path === run.path && (!root || service.index?.rootOf(x.id) === root));
  return list.map(find).filter((x): x is Run => x !== undefined);
}

async function announce(r: Review, md: string, indexed: { base: Run[]; head: Run[] }, dir: string): Promise<void> {
  const failed = r.metrics.filter((m) => m.verdict === 'fail').map((m) => m.name);
  const gated = r.metrics.some((m) => m.verdict !== 'ungated');
  const verdict =
    r.verdict === 'fail' ? `failed (${[...new Set(failed)].join(', ')})` : gated ? 'passed' : 'nothing gated';
  const text = `Runlens review: ${verdict} · base ${r.base.commit?.slice(0, 7) ?? 'runs'} → head ${r.head.commit?.slice(0, 7) ?? 'runs'}${r.code ? ` · ${r.code.files} files changed` : ''}`;
  const actions = [...(r.code && r.base.commit && r.head.commit ? ['Open Code Changes'] : []), 'Copy as Markdown'];
  const show = r.verdict === 'fail' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ''), ...actions);
  if (choice === 'Copy as Markdown') await vscode.env.clipboard.writeText(md);
  if (choice === 'Open Code Changes') await openChanges(r, indexed, dir);
}

/** The existing diff editor: Compare Code of Runs on a baseline and a head run when both are indexed, else git's. */
async function openChanges(r: Review, indexed: { base: Run[]; head: Run[] }, dir: string): Promise<void> {
  const a = indexed.base.find((x) => x.git.commit && r.base.commit?.startsWith(x.git.commit));
  const b = indexed.head.find((x) => x.git.commit && r.head.commit?.startsWith(x.git.commit));
  if (a && b) {
    await vscode.commands.executeCommand('runlens.compareCodeOfRuns', a.id, b.id);
    return;
  }
  const api = await getGitApi();
  const repo = api?.getRepository(vscode.Uri.file(dir));
  if (!api || !repo || !r.base.commit || !r.head.commit) {
    void vscode.window.showInformationMessage('Runlens: the git extension has no repository for this folder.');
    return;
  }
  const changes = await repo.diffBetween(r.base.commit, r.head.commit);
  const resources = changes.map(
    (c) => [c.uri, api.toGitUri(c.originalUri, r.base.commit!), api.toGitUri(c.uri, r.head.commit!)] as const,
  );
  await vscode.commands.executeCommand(
    'vscode.changes',
    `Review: ${r.base.commit.slice(0, 7)} ↔ ${r.head.commit.slice(0, 7)}`,
    resources,
  );
}
