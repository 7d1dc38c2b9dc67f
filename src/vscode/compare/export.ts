// The compare view's exports: CSV (summary or curves) and the chart as PNG. Run strings are untrusted: CSV cells are
// guarded against spreadsheet formulas.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkspaceIndex } from '../../core/index';
import type { Run } from '../../core/model';
import { CURVES_CSV_HEADER, curveCsvChunks, summaryCsv, type AliasOriginals } from '../../core/compare/exportText';

/** The compared runs as the page shows them: metrics under canonical names, and what each stands for. */
export interface AliasedExport {
  /** The runs with their metrics renamed by the alias map. */
  runs: readonly Run[];
  originals: AliasOriginals;
  /** run id → canonical key → the key the run logged (only keys an alias renamed). */
  renamed: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** "Save CSV": a summary (one row per run) or every point of every curve, where the user chooses. */
export async function saveCsv(
  compared: AliasedExport,
  baselineId: string | undefined,
  index: Pick<WorkspaceIndex, 'absPath' | 'readSeries'>,
): Promise<void> {
  const kind = await vscode.window.showQuickPick(
    [
      {
        label: 'Summary',
        description: 'one row per run: details, params, metric last/min/max',
        what: 'summary' as const,
      },
      { label: 'Curves', description: 'one row per point: run, metric, step, time, value', what: 'curves' as const },
    ],
    { title: 'Save the compared data as CSV' },
  );
  if (!kind) return;
  const target = await vscode.window.showSaveDialog({
    defaultUri: defaultSaveUri(`runlens-${kind.what}.csv`),
    filters: { CSV: ['csv'] },
    title: 'Save CSV',
  });
  if (!target) return;
  if (kind.what === 'summary') {
    await vscode.workspace.fs.writeFile(
      target,
      Buffer.from(
        summaryCsv(compared.runs, baselineId, (r) => index.absPath(r), compared.originals),
        'utf8',
      ),
    );
  } else {
    await writeCurvesCsv(target, compared, index);
  }
  void vscode.window.setStatusBarMessage(`Runlens: saved ${path.basename(target.fsPath)}`, 3000);
}

async function writeCurvesCsv(
  target: vscode.Uri,
  compared: AliasedExport,
  index: Pick<WorkspaceIndex, 'readSeries'>,
): Promise<void> {
  // Streamed: 50 runs × 100k points would not fit one string comfortably.
  const out = fs.createWriteStream(target.fsPath, { encoding: 'utf8' });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  await write(CURVES_CSV_HEADER);
  for (const r of compared.runs) {
    // the series keep the names the run logged: each goes under the canonical name the page shows it under
    const canonical = new Map([...(compared.renamed.get(r.id) ?? [])].map(([c, o]) => [o, c]));
    for (const s of await index.readSeries(r.id))
      for (const chunk of curveCsvChunks(r, s, canonical.get(s.key) ?? s.key)) await write(chunk);
  }
  out.end();
  await done;
}

/** "Save PNG": the chart image the page sent (checked: it is untrusted), where the user chooses. */
export async function savePng(key: unknown, dataUrl: unknown): Promise<void> {
  const prefix = 'data:image/png;base64,';
  if (typeof key !== 'string' || typeof dataUrl !== 'string' || !dataUrl.startsWith(prefix))
    throw new Error('the chart image is not a PNG data URL');
  const bytes = Buffer.from(dataUrl.slice(prefix.length), 'base64');
  if (bytes.length < 8 || bytes.readUInt32BE(0) !== 0x89504e47) throw new Error('the chart image is not a PNG');
  const name = `${key.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'chart'}.png`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: defaultSaveUri(name),
    filters: { 'PNG image': ['png'] },
    title: 'Save chart as PNG',
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, bytes);
  void vscode.window.setStatusBarMessage(`Runlens: saved ${path.basename(target.fsPath)}`, 3000);
}

function defaultSaveUri(name: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder ? vscode.Uri.joinPath(folder, name) : undefined;
}
