// The runs table's one link to VS Code: acquireVsCodeApi() may be called only once per page.
import type { TableToHost, TableToWebview } from '../../src/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(msg: TableToHost): void {
  api.postMessage(msg);
}

/** What VS Code keeps for the page across a window reload (the panel serializer reads it back). */
export function keepState(state: unknown): void {
  api.setState(state);
}

export function onMessage(fn: (msg: TableToWebview) => void): void {
  window.addEventListener('message', (e: MessageEvent<unknown>) => {
    const d = e.data;
    if (typeof d === 'object' && d !== null && typeof (d as { type?: unknown }).type === 'string')
      fn(d as TableToWebview);
  });
}

/** Errors go to the host's log (the webview has no console the user sees). */
export function logError(err: unknown): void {
  post({
    type: 'log',
    level: 'error',
    message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err),
  });
}
