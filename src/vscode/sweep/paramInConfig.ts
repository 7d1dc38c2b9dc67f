import * as path from 'node:path';
import * as vscode from 'vscode';
import { candidateKeys, configLeaves } from '../git/configKeys';

/** Config files a param may be set in: YAML and JSON next to the code, not the copies tools write into runs. */
const CONFIG_GLOB = '**/*.{yaml,yml,json}';
const NOT_CONFIG =
  '{**/node_modules/**,**/.git/**,**/.hydra/**,**/mlruns/**,**/wandb/**,**/outputs/**,**/multirun/**,**/lightning_logs/**,**/.vscode/**,**/.vscode-test/**,**/package*.json,**/tsconfig*.json}';
const MAX_FILES = 500;
const MAX_BYTES = 256 * 1024;

export interface ParamPlace {
  uri: vscode.Uri;
  line: number;
  start: number;
  end: number;
}

/**
 * Where the workspace's config files set a param: the leaves whose candidate keys (the params-next-to-code rule of
 * git/configKeys.ts: a Hydra group folder, the dotted path, its tails) include `key`. Shallow files first.
 */
export async function findParamInConfigs(key: string): Promise<ParamPlace[]> {
  const uris = await vscode.workspace.findFiles(CONFIG_GLOB, NOT_CONFIG, MAX_FILES);
  const rel = (u: vscode.Uri): string => vscode.workspace.asRelativePath(u, false);
  uris.sort((a, b) => rel(a).split('/').length - rel(b).split('/').length || rel(a).localeCompare(rel(b)));
  const out: ParamPlace[] = [];
  for (const uri of uris) {
    let text: string;
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      if (bytes.byteLength > MAX_BYTES) continue;
      text = new TextDecoder().decode(bytes);
    } catch {
      continue;
    }
    const leafName = key.split(/[./]/).pop() ?? key;
    if (!text.includes(leafName)) continue;
    const dirs = path
      .dirname(rel(uri))
      .split('/')
      .filter((d) => d && d !== '.');
    for (const leaf of configLeaves(text))
      if (candidateKeys(leaf.path, dirs).includes(key))
        out.push({ uri, line: leaf.line, start: leaf.start, end: leaf.end });
  }
  return out;
}

/** Opens the param's key in its config file (a pick when several files set it); says so when none does. */
export async function openParamInConfig(key: string): Promise<ParamPlace | undefined> {
  const places = await findParamInConfigs(key);
  if (places.length === 0) {
    void vscode.window.showInformationMessage(`Runlens: no config file in the workspace sets "${key}".`);
    return undefined;
  }
  const place =
    places.length === 1
      ? places[0]!
      : (
          await vscode.window.showQuickPick(
            places.map((p) => ({ label: `${vscode.workspace.asRelativePath(p.uri)}:${p.line + 1}`, p })),
            { title: `Runlens: config files that set "${key}"` },
          )
        )?.p;
  if (!place) return undefined;
  await vscode.window.showTextDocument(place.uri, {
    selection: new vscode.Range(place.line, place.start, place.line, place.end),
    preview: true,
  });
  return place;
}
