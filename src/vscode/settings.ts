import * as vscode from 'vscode';
import { clampSmoothing, SMOOTHING_DEFAULT } from '../core/compare/smoothing';
import { DEFAULT_SEED_PARAMS } from '../core/compare/seeds';
import type { WatchSetting } from '../core/watch/mounts';
import { enabledSources } from '../core/sources/sourceUri';

export type GroupBy = 'experiment' | 'format' | 'commit' | 'configuration' | 'none';

/** The `runlens.*` settings, read in one place. */
export interface Settings {
  include: string[];
  exclude: string[];
  maxFileBytes: number;
  groupBy: GroupBy;
  smoothing: number;
  keyMetric: string;
  showDeletedRuns: boolean;
  liveUpdates: boolean;
  /** How live updates find changes: file events, polling, or polling on shared file systems only (auto). */
  watch: WatchSetting;
  warmStart: boolean;
  /** The SQL console's time limit (runlens.queryTimeout, seconds, clamped to 1 s – 1 h). */
  queryTimeoutMs: number;
  /** Canonical metric name → other spellings, over the defaults (core/groups/aliases.ts). */
  metricAliases: Record<string, string[]>;
  /** Seed-like param globs, left out when grouping by configuration. */
  seedParams: string[];
  /** runlens.sources: the URIs switched on, and the entries that are neither a URI nor { uri, enabled }. */
  sources: { uris: string[]; problems: string[] };
  /** runlens.sourcesRefreshSeconds, in ms, clamped to 10 s – 1 h. */
  sourcesRefreshMs: number;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('runlens', scope);
  return {
    include: c.get<string[]>('include', []),
    exclude: c.get<string[]>('exclude', []),
    maxFileBytes: Math.max(1, c.get<number>('maxFileSizeMB', 256)) * 1024 * 1024,
    groupBy: c.get<GroupBy>('groupBy', 'experiment'),
    smoothing: clampSmoothing(c.get<number>('smoothing', SMOOTHING_DEFAULT)),
    keyMetric: c.get<string>('keyMetric', ''),
    showDeletedRuns: c.get<boolean>('showDeletedRuns', true),
    liveUpdates: c.get<boolean>('liveUpdates', true),
    watch: watchSetting(c.get<string>('watch', 'auto')),
    warmStart: c.get<boolean>('warmStart', true),
    queryTimeoutMs: Math.min(3600, Math.max(1, c.get<number>('queryTimeout', 10) || 10)) * 1000,
    metricAliases: objectOfLists(c.get<unknown>('metricAliases', {})),
    seedParams: c.get<string[]>('seedParams', [...DEFAULT_SEED_PARAMS]).filter((s) => typeof s === 'string'),
    sources: enabledSources(c.get<unknown>('sources', [])),
    sourcesRefreshMs: Math.min(3600, Math.max(10, c.get<number>('sourcesRefreshSeconds', 60) || 60)) * 1000,
  };
}

/**
 * Adds a source URI to the workspace's runlens.sources (the one setting Runlens writes, on Add Source…); false
 * when it is there and switched on already. Entries the user wrote by hand are kept as they are.
 */
export async function addSourceSetting(uri: string): Promise<boolean> {
  const c = vscode.workspace.getConfiguration('runlens');
  const list = c.get<unknown[]>('sources', []) ?? [];
  if (enabledSources(list).uris.includes(uri)) return false;
  await c.update('sources', [...list, uri], vscode.ConfigurationTarget.Workspace);
  return true;
}

/** An unknown value (a hand-edited settings.json) is auto. */
function watchSetting(v: string): WatchSetting {
  return v === 'events' || v === 'poll' ? v : 'auto';
}

/** The alias setting with anything but string lists dropped (a hand-edited settings.json must not break the tree). */
function objectOfLists(v: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, list] of Object.entries(v))
      if (Array.isArray(list)) out[k] = list.filter((s): s is string => typeof s === 'string');
  }
  return out;
}

/** Settings that change what is indexed: a change rebuilds the index. */
export const INDEX_SETTINGS = ['runlens.include', 'runlens.exclude', 'runlens.maxFileSizeMB'];
