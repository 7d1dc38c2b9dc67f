import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunlensApi } from '../../../src/extension';
import type { RunsNode } from '../../../src/vscode/runsTree';

/** The running extension's API (activating it if needed) once its first index pass is done. */
export async function runlens(): Promise<RunlensApi> {
  const ext = vscode.extensions.getExtension<RunlensApi>('runlens.runlens');
  if (!ext) throw new Error('extension runlens.runlens not found');
  const api = await ext.activate();
  await api.service.ready;
  return api;
}

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder open');
  return folder.uri.fsPath;
}

/** Polls until `check` returns a value (not undefined/false) or the time runs out. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every run node of the tree, flattened (groups and nested runs opened). */
export function allRunNodes(api: RunlensApi): Array<Extract<RunsNode, { kind: 'run' }>> {
  const out: Array<Extract<RunsNode, { kind: 'run' }>> = [];
  const visit = (nodes: RunsNode[]): void => {
    for (const n of nodes) {
      if (n.kind === 'run') out.push(n);
      if (n.kind !== 'problem') visit(api.tree.getChildren(n));
    }
  };
  visit(api.tree.getChildren());
  return out;
}

/** Writes a file under the workspace (creating folders); returns its absolute path. */
export function writeInWorkspace(rel: string, content: string | Uint8Array): string {
  const abs = path.join(workspaceDir(), rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, content);
  return abs;
}

export function removeFromWorkspace(rel: string): void {
  fs.rmSync(path.join(workspaceDir(), rel), { recursive: true, force: true });
}
