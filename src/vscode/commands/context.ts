import type * as vscode from 'vscode';
import type { IndexService } from '../indexService';
import type { RunMarks } from '../runMarks';
import type { RunsNode, RunsTreeProvider } from '../runsTree';

/** What the command handlers work with; built once by the extension and passed to each handler. */
export interface CommandDeps {
  service: IndexService;
  tree: RunsTreeProvider;
  treeView: vscode.TreeView<RunsNode>;
  marks: RunMarks;
  log: vscode.LogOutputChannel;
  workspaceState: vscode.Memento;
  /** Opens a comparison of these runs (the compare panel). */
  compare(runIds: string[], baselineId?: string): void;
}
