import * as vscode from 'vscode';
import type { WorkspaceIndex } from '../core/index';
import { openSource, type SourceSecret } from '../core/sources/registry';
import type { RemoteSource } from '../core/sources/remoteSource';
import { errorText } from '../core/errorText';
import { registerCommand } from './commandBoundary';
import type { CommandId } from './commandIds';
import type { IndexService } from './indexService';
import { addSourceSetting, readSettings } from './settings';

const SECRET_PREFIX = 'runlens.source:';

/**
 * The remote sources of `runlens.sources` in the extension: opened for each index the service builds, read at once
 * and then every `runlens.sourcesRefreshSeconds`, re-opened when the setting changes. Secrets typed in "Runlens: Add
 * Source…" live in SecretStorage under the source's id (its URI without secrets), never in settings.
 */
export function registerSources(deps: {
  service: IndexService;
  log: vscode.LogOutputChannel;
  secrets: vscode.SecretStorage;
}): vscode.Disposable {
  const { service, log, secrets } = deps;
  const command = (id: CommandId, fn: (...args: never[]) => unknown): vscode.Disposable => registerCommand(id, log, fn);
  let timer: NodeJS.Timeout | undefined;
  let refreshing = false;
  const secret = async (id: string): Promise<SourceSecret | undefined> => {
    const text = await secrets.get(`${SECRET_PREFIX}${id}`);
    try {
      return text ? (JSON.parse(text) as SourceSecret) : undefined;
    } catch {
      return undefined;
    }
  };
  const refresh = async (ix: WorkspaceIndex): Promise<void> => {
    if (refreshing || service.index !== ix) return;
    refreshing = true;
    try {
      await ix.refreshSources();
      for (const s of ix.sources())
        if (s.reachable === false) log.warn(`source ${s.id}: ${s.error ?? 'unreachable'}`);
        else log.info(`source ${s.id}: ${s.runs} runs`);
    } catch (err) {
      log.error('reading the sources failed', err);
    } finally {
      refreshing = false;
    }
  };
  const attach = async (ix: WorkspaceIndex): Promise<void> => {
    const settings = readSettings();
    const { uris, problems } = settings.sources;
    for (const p of problems) log.warn(p);
    const opened: RemoteSource[] = [];
    for (const uri of uris) {
      try {
        opened.push(await openSource(uri, { secret }));
      } catch (err) {
        log.warn(`source ${uri}: ${errorText(err)}`);
        void vscode.window.showWarningMessage(`Runlens: ${errorText(err)}`);
      }
    }
    if (service.index !== ix) return opened.forEach((s) => s.dispose());
    await ix.setSources(opened);
    if (timer) clearInterval(timer);
    timer = undefined;
    if (!opened.length) return;
    timer = setInterval(() => void refresh(ix), settings.sourcesRefreshMs);
    await refresh(ix);
  };
  const reattach = (): void => {
    const ix = service.index;
    if (ix) void attach(ix).catch((err: unknown) => log.error('opening the sources failed', err));
  };
  return vscode.Disposable.from(
    service.onDidOpenIndex(
      (ix) => void attach(ix).catch((err: unknown) => log.error('opening the sources failed', err)),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('runlens.sources') || e.affectsConfiguration('runlens.sourcesRefreshSeconds'))
        reattach();
    }),
    command('runlens.addSource', () => addSource(secrets, reattach)),
    { dispose: () => timer && clearInterval(timer) },
  );
}

/** "Runlens: Add Source…": the URI into runlens.sources (workspace settings), its secret into SecretStorage. */
async function addSource(secrets: vscode.SecretStorage, reattach: () => void): Promise<void> {
  const uri = await vscode.window.showInputBox({
    title: 'Runlens: Add Source',
    prompt: 'An MLflow tracking server (mlflow+https://host[:port][/path]; "mlflow" for MLFLOW_TRACKING_URI)',
    placeHolder: 'mlflow+https://mlflow.example.com',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'a source URI'),
  });
  if (!uri?.trim()) return;
  // Opening a source reads no network: it resolves the URI, so the id the secret is stored under is the source's.
  const source = await openSource(uri.trim(), {});
  const id = source.id;
  source.dispose();
  const how = await vscode.window.showQuickPick(
    [
      { label: 'No credentials', value: 'none' as const, detail: 'or from MLFLOW_TRACKING_* / DATABRICKS_* variables' },
      { label: 'User name and password', value: 'basic' as const, detail: "MLflow's basic-auth app" },
      { label: 'Token', value: 'token' as const, detail: 'a bearer token (Databricks personal access token)' },
    ],
    { title: `Runlens: credentials for ${id}`, ignoreFocusOut: true },
  );
  if (!how) return;
  if (how.value === 'basic') {
    const username = await vscode.window.showInputBox({ title: `User name for ${id}`, ignoreFocusOut: true });
    if (username === undefined) return;
    const password = await vscode.window.showInputBox({
      title: `Password for ${id}`,
      password: true,
      ignoreFocusOut: true,
    });
    if (password === undefined) return;
    await secrets.store(`${SECRET_PREFIX}${id}`, JSON.stringify({ username, password }));
  } else if (how.value === 'token') {
    const token = await vscode.window.showInputBox({ title: `Token for ${id}`, password: true, ignoreFocusOut: true });
    if (token === undefined) return;
    await secrets.store(`${SECRET_PREFIX}${id}`, JSON.stringify({ token }));
  } else await secrets.delete(`${SECRET_PREFIX}${id}`);
  // The setting holds the id: a password typed into the URI never reaches settings.json.
  if (!(await addSourceSetting(id))) reattach();
  void vscode.window.showInformationMessage(`Runlens: added ${id}; its runs appear in the Runs view once read.`);
}
