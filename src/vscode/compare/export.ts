// The compare view's exports: CSV (summary or curves) and the chart as PNG. Run strings are untrusted: CSV cells are
// guarded against spreadsheet formulas.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkspaceIndex } from '../../core/index';
import type { Run } from '../../core/model';

/** "Save CSV": a summary (one row per run) or every point of every curve, where the user chooses. */
export async function saveCsv(
  runs: readonly Run[],
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
        summaryCsv(runs, baselineId, (r) => index.absPath(r)),
        'utf8',
      ),
    );
  } else {
    await writeCurvesCsv(target, runs, index);
  }
  void vscode.window.setStatusBarMessage(`Runlens: saved ${path.basename(target.fsPath)}`, 3000);
}

async function writeCurvesCsv(
  target: vscode.Uri,
  runs: readonly Run[],
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
  await write('run_id,run_name,metric,step,wall_time,value\n');
  for (const r of runs) {
    for (const s of await index.readSeries(r.id)) {
      const prefix = `${csvCell(r.id)},${csvCell(r.name)},${csvCell(s.key)},`;
      let chunk = '';
      for (let i = 0; i < s.values.length; i++) {
        const t = s.times[i]!;
        chunk += `${prefix}${csvNumber(s.steps[i]!)},${Number.isFinite(t) ? new Date(t).toISOString() : ''},${csvNumber(s.values[i]!)}\n`;
        if (chunk.length > 1 << 16) {
          await write(chunk);
          chunk = '';
        }
      }
      await write(chunk);
    }
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

/** Summary CSV: one row per run (details, every param, metric last/min/max). Strings are guarded against formulas. */
export function summaryCsv(
  runs: readonly Run[],
  baselineId: string | undefined,
  folder: (r: Run) => string | undefined,
): string {
  const params = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const header = [
    'run_id',
    'name',
    'format',
    'status',
    'experiment',
    'baseline',
    'start_time',
    'duration_s',
    'commit',
    'branch',
    'folder',
  ];
  header.push(...params.map((p) => `param:${p}`));
  for (const m of metrics) header.push(`${m}:last`, `${m}:last_step`, `${m}:min`, `${m}:max`);
  const lines = [header.map(csvCell).join(',')];
  for (const r of runs) {
    const cells: string[] = [
      csvCell(r.id),
      csvCell(r.name),
      r.format,
      r.status,
      csvCell(r.experiment ?? ''),
      r.id === baselineId ? 'true' : 'false',
      r.startTime === null ? '' : new Date(r.startTime).toISOString(),
      r.startTime !== null && r.endTime !== null ? String((r.endTime - r.startTime) / 1000) : '',
      csvCell(r.git.commit ?? ''),
      csvCell(r.git.branch ?? ''),
      csvCell(folder(r) ?? r.path),
    ];
    for (const p of params) {
      const v = Object.prototype.hasOwnProperty.call(r.params, p) ? r.params[p] : undefined;
      cells.push(v === undefined || v === null ? '' : typeof v === 'number' ? csvNumber(v) : csvCell(String(v)));
    }
    for (const m of metrics) {
      const s = r.metrics[m];
      cells.push(
        s ? csvNumber(s.last) : '',
        s?.lastStep === null || !s ? '' : String(s.lastStep),
        s ? csvNumber(s.min) : '',
        s ? csvNumber(s.max) : '',
      );
    }
    lines.push(cells.join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** RFC 4180 quoting, and a leading ' for text a spreadsheet would run as a formula (run files are untrusted). */
export function csvCell(s: string): string {
  let v = s;
  if (/^[=+\-@\t\r]/.test(v) && !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvNumber(v: number | null): string {
  if (v === null) return '';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return String(v);
}
