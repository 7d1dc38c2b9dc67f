import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { Run } from '../../core/model';
import type { IndexService } from '../indexService';
import type { RunsNode } from '../runsTree';

/**
 * The run ids a command was meant for, in order, without repeats. VS Code calls a tree command with the clicked node
 * and the whole multi-selection; the compare view and other commands pass an id or an array of ids; the palette passes
 * nothing (then the tree's selection counts). A group node means every run in it, the same for every command.
 */
export function runIdsMeant(
  treeView: Pick<vscode.TreeView<RunsNode>, 'selection'> | undefined,
  node?: unknown,
  selected?: unknown,
): string[] {
  const items: unknown[] =
    Array.isArray(selected) && selected.length
      ? selected
      : Array.isArray(node)
        ? node
        : node !== undefined && node !== null
          ? [node]
          : [...(treeView?.selection ?? [])];
  const ids = new Set<string>();
  for (const n of items) {
    if (typeof n === 'string') ids.add(n);
    else if (isNode(n, 'run')) ids.add(n.run.id);
    else if (isNode(n, 'group')) for (const r of n.runs) ids.add(r.id);
  }
  return [...ids];
}

/** The indexed runs a command was meant for (see runIdsMeant), in the same order; unknown ids are left out. */
export function runsMeant(
  service: IndexService,
  treeView: Pick<vscode.TreeView<RunsNode>, 'selection'> | undefined,
  node?: unknown,
  selected?: unknown,
): Run[] {
  return service.index?.runsByIds(runIdsMeant(treeView, node, selected)) ?? [];
}

/** The run a file belongs to: the deepest run root holding it. */
export function runOfFile(service: IndexService, file: string): Run | undefined {
  const index = service.index;
  if (!index) return undefined;
  let best: { run: Run; depth: number } | undefined;
  for (const run of index.runs()) {
    const root = index.absPath(run);
    if (!root) continue;
    const rel = path.relative(root, file);
    const inside = rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    if (inside && (!best || root.length > best.depth)) best = { run, depth: root.length };
  }
  return best?.run;
}

function isNode<K extends RunsNode['kind']>(n: unknown, kind: K): n is Extract<RunsNode, { kind: K }> {
  return typeof n === 'object' && n !== null && (n as { kind?: unknown }).kind === kind;
}
