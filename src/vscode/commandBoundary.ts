import * as vscode from 'vscode';
import type { CommandId } from './commandIds';

/**
 * Registers a command behind the one error boundary: a failure is logged with its stack and shown once as
 * "Runlens: …" with a way to the log — never as a raw stack trace.
 */
export function registerCommand(
  id: CommandId,
  log: vscode.LogOutputChannel,
  fn: (...args: never[]) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      // VS Code passes a command's arguments untyped; each handler declares what it takes and checks it.
      return await (fn as (...a: unknown[]) => unknown)(...args);
    } catch (err) {
      log.error(`${id} failed`, err);
      const action = await vscode.window.showErrorMessage(
        `Runlens: ${err instanceof Error ? err.message : String(err)}`,
        'Show Log',
      );
      if (action) log.show();
      return undefined;
    }
  });
}
