// The one place that talks to VS Code: acquireVsCodeApi() may be called only once per page.
import type { PersistedState, ToHost, ToWebview } from '../src/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(msg: ToHost): void {
  api.postMessage(msg);
}

export function onMessage(fn: (msg: ToWebview) => void): void {
  window.addEventListener('message', (e: MessageEvent<unknown>) => {
    const d = e.data;
    if (typeof d === 'object' && d !== null && typeof (d as { type?: unknown }).type === 'string') fn(d as ToWebview);
  });
}

export function getState(): PersistedState | undefined {
  const s = api.getState();
  return typeof s === 'object' && s !== null && Array.isArray((s as PersistedState).runIds)
    ? (s as PersistedState)
    : undefined;
}

export function setState(s: PersistedState): void {
  api.setState(s);
}

/** Errors go to the host's log (the webview has no console the user sees). */
export function logError(err: unknown): void {
  const message = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
  post({ type: 'log', level: 'error', message });
}
