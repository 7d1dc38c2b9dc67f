import * as vscode from 'vscode';
import {
  isViewName,
  parseSavedView,
  viewToJson,
  viewToQuery,
  VIEWS_DIR,
  type SavedView,
} from '../../core/views/savedView';
import type { TableQueryState } from '../../protocol';
import { registerCommand } from '../commandBoundary';

/** One file of .vscode/runlens/views/: a view, or the problem that keeps it from being one. */
export interface ViewItem {
  name: string;
  uri: vscode.Uri;
  view?: SavedView;
  problem?: string;
}

export interface SavedViewsDeps {
  log: vscode.LogOutputChannel;
  openTable(query: TableQueryState, title: string): Promise<unknown>;
  /** The state of the runs table last focused, for "Save View…" run from the palette. */
  currentTableState(): TableQueryState | undefined;
}

/**
 * Saved views as files a team commits and reviews: the Views node at the top of the Runs tree lists
 * `.vscode/runlens/views/*.json` of each workspace folder; a bad file is listed with its problem and gets a
 * diagnostic on the file. "Save View…" is the only command with which Runlens writes into a workspace.
 */
export class SavedViewsProvider implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  /** The view files were read again (`listed` holds them). */
  readonly onDidChange = this.changed.event;
  /** The views as last read: the Runs tree shows these (its children are read synchronously). */
  listed: ViewItem[] = [];
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('runlens-views');
  private readonly disposables: vscode.Disposable[] = [this.changed, this.diagnostics];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${VIEWS_DIR}/*.json`);
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => this.refresh()),
      watcher.onDidChange(() => this.refresh()),
      watcher.onDidDelete(() => this.refresh()),
    );
    this.refresh();
  }

  /** Reads the view files again, then tells the tree. */
  refresh(): void {
    void this.items().then(
      (items) => {
        this.listed = items;
        this.changed.fire(undefined);
      },
      () => undefined, // a folder that cannot be read lists nothing; items() reports each bad file itself
    );
  }

  /** Every view file of every workspace folder, read and checked. */
  async items(): Promise<ViewItem[]> {
    const out: ViewItem[] = [];
    this.diagnostics.clear();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const dir = vscode.Uri.joinPath(folder.uri, VIEWS_DIR);
      let entries: [string, vscode.FileType][] = [];
      try {
        // stat first: VS Code logs a stack for every readDirectory of a missing folder, the usual case here
        if (!((await vscode.workspace.fs.stat(dir)).type & vscode.FileType.Directory)) continue;
        entries = await vscode.workspace.fs.readDirectory(dir);
      } catch {
        continue; // no views folder: nothing saved yet
      }
      for (const [file, type] of entries.sort(([a], [b]) => a.localeCompare(b))) {
        if (type !== vscode.FileType.File || !file.endsWith('.json')) continue;
        const uri = vscode.Uri.joinPath(dir, file);
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        const parsed = parseSavedView(text);
        const name = file.slice(0, -'.json'.length);
        if ('view' in parsed) out.push({ name, uri, view: parsed.view });
        else {
          out.push({ name, uri, problem: parsed.problem });
          this.diagnostics.set(uri, [
            new vscode.Diagnostic(
              new vscode.Range(0, 0, 0, 0),
              `Runlens view: ${parsed.problem}`,
              vscode.DiagnosticSeverity.Error,
            ),
          ]);
        }
      }
    }
    return out;
  }

  getTreeItem(v: ViewItem): vscode.TreeItem {
    const item = new vscode.TreeItem(v.name, vscode.TreeItemCollapsibleState.None);
    item.id = `view:${v.uri.toString()}`;
    item.resourceUri = v.uri;
    if (v.view) {
      item.iconPath = new vscode.ThemeIcon('table');
      item.description = v.view.filter || 'all runs';
      item.tooltip = `${v.uri.fsPath}\nfilter: ${v.view.filter || '(none)'}\ncolumns: ${v.view.columns.join(', ') || '(default)'}`;
      item.command = { command: 'runlens.openView', title: 'Open View', arguments: [v] };
      item.contextValue = 'runlens:view';
    } else {
      item.iconPath = new vscode.ThemeIcon('warning');
      item.description = v.problem;
      item.tooltip = `${v.uri.fsPath}: ${v.problem}`;
      item.command = { command: 'vscode.open', title: 'Open File', arguments: [v.uri] };
      item.contextValue = 'runlens:view:bad';
    }
    return item;
  }

  /** Writes a view; asks for a name (and before replacing a file) unless `name` is given. */
  async save(state: TableQueryState, name?: string): Promise<vscode.Uri | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('open a folder to save views in');
    const chosen =
      name ??
      (await vscode.window.showInputBox({
        title: 'Runlens: Save View',
        prompt: `Saved as ${VIEWS_DIR}/<name>.json — commit it to share it`,
        validateInput: (n) =>
          isViewName(n) ? undefined : 'Letters, digits, spaces, dots, dashes and underscores (up to 64)',
      }));
    if (!chosen) return undefined;
    if (!isViewName(chosen)) throw new Error(`"${chosen}" cannot be a view name (letters, digits, spaces, . - _)`);
    const uri = vscode.Uri.joinPath(folder.uri, VIEWS_DIR, `${chosen}.json`);
    if (name === undefined && (await exists(uri))) {
      const ok = await vscode.window.showWarningMessage(`Replace the view "${chosen}"?`, { modal: true }, 'Replace');
      if (ok !== 'Replace') return undefined;
    }
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder.uri, VIEWS_DIR));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(viewToJson(state)));
    this.refresh();
    return uri;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function isQueryState(x: unknown): x is TableQueryState {
  const o = x as Partial<TableQueryState> | null;
  return typeof o === 'object' && o !== null && typeof o.filter === 'string' && Array.isArray(o.columns);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The saved views (shown in the Runs tree) and their two commands. */
export function registerSavedViews(deps: SavedViewsDeps): {
  provider: SavedViewsProvider;
  disposable: vscode.Disposable;
} {
  const provider = new SavedViewsProvider();
  const command = (
    id: 'runlens.openView' | 'runlens.saveView',
    fn: (...args: unknown[]) => unknown,
  ): vscode.Disposable => registerCommand(id, deps.log, fn);
  const disposable = vscode.Disposable.from(
    provider,
    command('runlens.openView', async (arg?: unknown) => {
      const items = await provider.items();
      // From the Runs tree's Views node: its item (re-read, so an edited file counts); from the palette: a pick.
      const name =
        typeof arg === 'string'
          ? arg
          : ((arg as ViewItem | undefined)?.name ??
            (
              await vscode.window.showQuickPick(
                items.map((i) => ({ label: i.name, description: i.view?.filter ?? i.problem })),
              )
            )?.label);
      if (name === undefined) return undefined;
      const item = items.find((i) => i.name === name);
      if (!item?.view)
        throw new Error(item ? `view "${name}": ${item.problem}` : `no saved view "${name}" in ${VIEWS_DIR}`);
      return deps.openTable(viewToQuery(item.view), item.name);
    }),
    // Arguments (tests): a state and a name; from the palette: the last focused table's state, and a name asked for.
    command('runlens.saveView', (state?: unknown, name?: unknown) =>
      provider.save(
        // From the Views node's inline button the argument is that tree node, not a state.
        (isQueryState(state) ? state : undefined) ??
          deps.currentTableState() ?? { filter: '', columns: [], sort: null, onlyDiffs: true, baselineId: null },
        typeof name === 'string' ? name : undefined,
      ),
    ),
  );
  return { provider, disposable };
}
