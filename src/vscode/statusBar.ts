import * as vscode from 'vscode';
import type { IndexService } from './indexService';

/** "$(graph-line) 42 runs" in the status bar; spins while indexing; a click focuses the Runs view. */
export function createStatusBar(service: IndexService): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('runlens.status', vscode.StatusBarAlignment.Left, 20);
  item.name = 'Runlens';
  item.command = 'runlens.runs.focus';
  const update = (): void => {
    const runs = service.index?.runs().length ?? 0;
    const problems = service.index?.diagnostics().length ?? 0;
    if (service.isIndexing) {
      item.text = `$(sync~spin) Runlens`;
      item.tooltip = 'Runlens: indexing experiment runs…';
    } else {
      item.text = `$(graph-line) ${runs} run${runs === 1 ? '' : 's'}${problems ? ` $(warning) ${problems}` : ''}`;
      item.tooltip = `Runlens: ${runs} runs indexed${problems ? `, ${problems} problems` : ''}${followingLine(service)}`;
    }
    if (runs > 0 || service.isIndexing) item.show();
    else item.hide();
  };
  update();
  return vscode.Disposable.from(item, service.onDidChange(update), service.onDidChangeState(update));
}

/** "Live updates: polling (nfs4 mount at /home)", one line per folder when they differ; empty when live updates are off. */
function followingLine(service: IndexService): string {
  const f = service.following;
  if (!f.length) return '';
  const says = (d: (typeof f)[number]): string => `${d.mode === 'poll' ? 'polling' : 'file events'} (${d.reason})`;
  if (f.length === 1) return `\nLive updates: ${says(f[0]!)}`;
  return `\nLive updates:${f.map((d) => `\n  ${d.folder}: ${says(d)}`).join('')}`;
}
