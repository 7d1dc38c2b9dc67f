import * as vscode from 'vscode';
import { clampSmoothing, SMOOTHING_DEFAULT } from '../core/compare/smoothing';

export type GroupBy = 'experiment' | 'format' | 'commit' | 'none';

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
  warmStart: boolean;
  /** The SQL console's time limit (runlens.queryTimeout, seconds, clamped to 1 s – 1 h). */
  queryTimeoutMs: number;
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
    warmStart: c.get<boolean>('warmStart', true),
    queryTimeoutMs: Math.min(3600, Math.max(1, c.get<number>('queryTimeout', 10) || 10)) * 1000,
  };
}

/** Settings that change what is indexed: a change rebuilds the index. */
export const INDEX_SETTINGS = ['runlens.include', 'runlens.exclude', 'runlens.maxFileSizeMB'];
