// The sweep page's one link to VS Code: acquireVsCodeApi() may be called only once per page.
import type { SweepToHost, SweepToWebview } from '../../src/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(msg: SweepToHost): void {
  api.postMessage(msg);
}

export function onMessage(fn: (msg: SweepToWebview) => void): void {
  window.addEventListener('message', (e: MessageEvent<unknown>) => {
    const d = e.data;
    if (typeof d === 'object' && d !== null && typeof (d as { type?: unknown }).type === 'string')
      fn(d as SweepToWebview);
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
