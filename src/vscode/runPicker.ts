import * as vscode from 'vscode';
import { formatNumber, formatParam } from '../core/compare/format';
import type { Run } from '../core/model';
import { keyMetric } from './runsTree';
import { readSettings } from './settings';

interface RunPick extends vscode.QuickPickItem {
  run: Run;
}

/**
 * A searchable multi-select quick pick of runs: the label is the name; params and metrics are in the detail
 * line so typing "lr=0.01" or "val_loss" finds runs by them.
 */
export async function pickRuns(
  runs: readonly Run[],
  opts: { title: string; preselect?: readonly string[]; minimum?: number },
): Promise<Run[] | undefined> {
  const settings = readSettings();
  const items: RunPick[] = runs.map((run) => {
    const key = keyMetric(run, settings.keyMetric);
    const params = Object.entries(run.params)
      .slice(0, 8)
      .map(([k, v]) => `${k}=${formatParam(v)}`);
    return {
      run,
      label: run.name,
      description: [run.format, run.experiment ?? '', key ? `${key} ${formatNumber(run.metrics[key]!.last)}` : '']
        .filter(Boolean)
        .join(' · '),
      detail: [...params, ...Object.keys(run.metrics).slice(0, 8)].join('  '),
      picked: opts.preselect?.includes(run.id) ?? false,
    };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: opts.title,
    canPickMany: true,
    matchOnDescription: true,
    matchOnDetail: true,
    placeHolder: 'Type to search by name, param (lr=0.01) or metric; select runs with Space',
  });
  if (!picked) return undefined;
  if (opts.minimum && picked.length < opts.minimum) {
    void vscode.window.showInformationMessage(`Runlens: choose at least ${opts.minimum} runs to compare.`);
    return undefined;
  }
  return picked.map((p) => p.run);
}
