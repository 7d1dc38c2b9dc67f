import * as vscode from 'vscode';
import type { GitApi, GitExtension } from './gitApiTypes';

/** The built-in git extension's API, once it is initialised; undefined when git is disabled or missing. */
export async function getGitApi(timeoutMs = 15_000): Promise<GitApi | undefined> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) return undefined;
  const exports = ext.isActive ? ext.exports : await ext.activate();
  if (!exports?.enabled) return undefined;
  const api = exports.getAPI(1);
  if (api.state === 'initialized') return api;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      d.dispose();
      resolve(api);
    }, timeoutMs);
    const d = api.onDidChangeState((s) => {
      if (s !== 'initialized') return;
      clearTimeout(timer);
      d.dispose();
      resolve(api);
    });
  });
}
