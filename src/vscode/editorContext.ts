import * as vscode from 'vscode';
import { runOfFile } from './commands/runsMeant';
import type { IndexService } from './indexService';

/** Keeps `runlens.activeEditorIsRunFile` true while the active editor shows a file of an indexed run. */
export function trackActiveRunFile(service: IndexService): vscode.Disposable {
  const update = (): void => {
    const file = vscode.window.activeTextEditor?.document.uri;
    const isRun = file?.scheme === 'file' && runOfFile(service, file.fsPath) !== undefined;
    void vscode.commands.executeCommand('setContext', 'runlens.activeEditorIsRunFile', isRun);
  };
  update();
  return vscode.Disposable.from(vscode.window.onDidChangeActiveTextEditor(update), service.onDidChange(update));
}
