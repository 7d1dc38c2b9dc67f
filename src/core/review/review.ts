import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Direction } from '../compare/direction';
import { sameParam } from '../compare/diff';
import { seedMatcher } from '../compare/seeds';
import type { ParamValue, Run } from '../model';
import { runsInCommit } from './committed';
import type { ReviewSettings } from './config';
import { groupCurve, stepGrid, type GroupCurve } from './curves';
import { GateSyntaxError, parseGate, type Gate } from './gates';
import { Git, type ChangedFile } from './git';
import { groupRuns, metricEntries, pairGroups, type GroupPair, type MetricEntry } from './pairing';
import { indexFolder, type RunSet } from './runSource';
import { Scratch } from './scratch';

/** No candidate or no baseline runs: exit code 3. */
export class NoRunsError extends Error {
  override name = 'NoRunsError' as const;
  /** When the baseline is what is missing: the head side that was found (VS Code still shows its runs). */
  readonly head: ReviewSide | undefined;
  constructor(message: string, head?: ReviewSide) {
    super(message);
    this.head = head;
  }
}

/** The request cannot be done as asked (unknown ref, bad gate, run not found): exit code 2. */
export class ReviewUsageError extends Error {
  override name = 'ReviewUsageError' as const;
}

export interface ReviewRequest {
  dir: string;
  settings: ReviewSettings;
  /** Candidate runs named explicitly (id, id prefix, path or name); replaces the head commit's runs. */
  runs?: readonly string[];
  /** Baseline runs named explicitly; replaces the baseline search. */
  baselineRuns?: readonly string[];
  include?: readonly string[];
  exclude?: readonly string[];
  /** Remote sources (--source) whose runs join the workspace's: a server's runs of the base commit can be the baseline. */
  sources?: readonly string[];
  /** Index with worker threads (the CLI) or not (tests, the extension host). */
  workers?: number;
}

/** One side of the review. */
export interface ReviewSide {
  /** What was asked for ("HEAD", "main"); for runs named explicitly, "runs". */
  ref: string;
  commit: string | null;
  subject: string | null;
  runs: Run[];
  /** How the runs were found, for people: "runs recording abc1234", "3 commits back from the merge-base". */
  found: string;
  /** Baseline only: first-parent steps from the merge-base to the commit that had runs (0: the merge-base). */
  depth: number | null;
}

export interface ParamChange {
  key: string;
  base: ParamValue[];
  head: ParamValue[];
}

export interface CodeChange {
  files: number;
  insertions: number;
  deletions: number;
  changed: ChangedFile[];
}

/** A key metric's curves for one pair, on one grid: what the Markdown charts and the SVGs draw. */
export interface MetricChart {
  metric: string;
  group: string;
  base: GroupCurve;
  head: GroupCurve;
}

/** Everything the renderers need; JSON, Markdown and SVG are views of it. */
export interface Review {
  verdict: 'pass' | 'fail';
  base: ReviewSide;
  head: ReviewSide;
  pairs: GroupPair[];
  metrics: MetricEntry[];
  params: ParamChange[];
  code: CodeChange | null;
  charts: MetricChart[];
  /** Runs that recorded uncommitted changes, with the patch they recorded (`git diff` text) when there is one. */
  dirty: Array<{ side: 'base' | 'head'; id: string; name: string; patch: string | null }>;
  /** `origin`'s URL, for commit links (the renderer decides whether it is a known host). */
  remote: string | null;
  /** Things worth saying that are not errors (unpaired groups, gates that found nothing). */
  notes: string[];
}

/** Points per curve in the charts; enough for a line's shape in a comment. */
const CHART_POINTS = 40;
/** Curves read per group for the charts (a 50-seed sweep does not need 50 reads to draw its mean). */
const CURVE_RUNS = 8;
const MAX_CHARTS = 3;

/**
 * Reviews a change like a pull request: the head's runs against the baseline's (found through git), grouped by
 * seed, gated, with the params and code that changed.
 */
export async function review(req: ReviewRequest): Promise<Review> {
  const s = req.settings;
  const gates = parseGates(s.failOn);
  const directions: Record<string, Direction> = {};
  for (const k of s.lowerIsBetter) directions[k] = 'lower';
  for (const k of s.higherIsBetter) directions[k] = 'higher';
  const git = await Git.open(req.dir).catch((e: Error) => {
    if (req.runs?.length && req.baselineRuns?.length) return undefined;
    throw e;
  });
  const scratch = new Scratch();
  const sets: RunSet[] = [];
  try {
    const workspace = await indexFolder(req.dir, {
      include: req.include,
      exclude: req.exclude,
      sources: req.sources,
      workers: req.workers,
    });
    sets.push(workspace);
    const prefix = git
      ? path.relative(fs.realpathSync(git.root), fs.realpathSync(req.dir)).split(path.sep).join('/')
      : '';
    const finder = new CommitRuns(git, workspace, prefix, scratch, sets, s.inferCommits);
    const head = await findHead(git, finder, workspace, req);
    if (!head.runs.length) throw new NoRunsError(`no candidate runs: ${head.found}`);
    const base = await findBase(git, finder, workspace, req, head);
    if (!base.runs.length) throw new NoRunsError(`no baseline runs: ${base.found}`, head);
    const isSeed = seedMatcher(s.seedParams);
    const pairs = pairGroups(groupRuns(base.runs, isSeed), groupRuns(head.runs, isSeed));
    const metrics = usage(() =>
      metricEntries(pairs, { gates, directions, beyondNoise: s.beyondNoise, alpha: s.noiseAlpha }),
    );
    const notes: string[] = [];
    const pairedBase = new Set(pairs.map((p) => p.base));
    for (const e of metrics)
      if (e.note === 'no run on either side has this metric')
        notes.push(`gate ${e.name}: no run on either side has this metric`);
    const unpaired = groupRuns(base.runs, isSeed).length - pairedBase.size;
    if (unpaired > 0) notes.push(`${unpaired} baseline group(s) had no head runs to compare with`);
    const keys = keyMetrics(s.keyMetrics, gates, metrics);
    return {
      verdict: metrics.some((m) => m.verdict === 'fail') ? 'fail' : 'pass',
      base,
      head,
      pairs,
      metrics,
      params: paramChanges(base.runs, head.runs, isSeed),
      code:
        git && base.commit && head.commit && base.commit !== head.commit
          ? await codeChange(git, base.commit, head.commit)
          : null,
      charts: await charts(pairs, keys, finder),
      dirty: [...base.runs.map((r) => ['base', r] as const), ...head.runs.map((r) => ['head', r] as const)]
        .filter(([, r]) => r.git.dirty === true)
        .map(([side, r]) => ({ side, id: r.id, name: r.name, patch: patchOf(sets, r) })),
      remote: git ? ((await git.remoteUrl()) ?? null) : null,
      notes,
    };
  } finally {
    for (const set of sets) set.dispose();
    scratch.dispose();
  }
}

/** The patch a run recorded, read through the run set that indexed it (the workspace or a commit's tree). */
function patchOf(sets: readonly RunSet[], run: Run): string | null {
  return sets.find((s) => s.runs.some((x) => x.id === run.id))?.patchOf(run) ?? null;
}

function parseGates(texts: readonly string[]): Gate[] {
  return usage(() => texts.map(parseGate));
}

/** A gate that cannot be read or judged is a usage error (exit 2). */
function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw e instanceof GateSyntaxError ? new ReviewUsageError(e.message) : e;
  }
}

/** The runs that belong to a commit: recorded by workspace runs, or committed in its tree. */
class CommitRuns {
  private inferred: Map<string, string> | undefined;
  private readonly runSets = new Map<string, RunSet>();

  constructor(
    private readonly git: Git | undefined,
    private readonly workspace: RunSet,
    private readonly prefix: string,
    private readonly scratch: Scratch,
    private readonly sets: RunSet[],
    private readonly infer: boolean,
  ) {}

  async runsAt(commit: string): Promise<Run[]> {
    const own = this.workspace.runs.filter((r) => sameCommit(r.git.commit, commit));
    if (this.infer) {
      const inferred = await this.inferredCommits(commit);
      own.push(...this.workspace.runs.filter((r) => !r.git.commit && inferred.get(r.id) === commit));
    }
    const seen = new Set(own.map((r) => `${r.format}:${r.path}`));
    const committed = this.git ? await runsInCommit(this.git, commit, this.prefix, this.scratch) : undefined;
    if (committed) {
      this.sets.push(committed);
      for (const r of committed.runs) this.runSets.set(r.id, committed);
      for (const r of committed.runs)
        if ((!r.git.commit || sameCommit(r.git.commit, commit)) && !seen.has(`${r.format}:${r.path}`)) own.push(r);
    }
    return own.filter((r) => !r.deleted);
  }

  readSeries(run: Run, keys: readonly string[]): ReturnType<RunSet['readSeries']> {
    return (this.runSets.get(run.id) ?? this.workspace).readSeries(run, keys);
  }

  /** Runs that recorded no commit get the newest commit of head's first-parent history at or before their start. */
  private async inferredCommits(head: string): Promise<Map<string, string>> {
    if (this.inferred) return this.inferred;
    const history = this.git ? await this.git.datedHistory(head, 5000) : [];
    this.inferred = new Map();
    for (const r of this.workspace.runs) {
      if (r.git.commit || r.startTime === null) continue;
      // newest first: the first commit not after the run's start
      const at = history.find((c) => c.time <= r.startTime!);
      if (at) this.inferred.set(r.id, at.hash);
    }
    return this.inferred;
  }
}

/** Recorded commits may be abbreviated; seven hex digits or more that prefix the full hash count as the same. */
function sameCommit(recorded: string | null, full: string): boolean {
  if (!recorded) return false;
  const r = recorded.trim().toLowerCase();
  return r.length >= 7 && full.startsWith(r);
}

function pickRuns(set: RunSet, refs: readonly string[]): Run[] {
  return refs.map((ref) => {
    const exact = set.runs.filter((r) => r.id === ref || r.path === ref || r.name === ref);
    const hits = exact.length ? exact : set.runs.filter((r) => r.id.startsWith(ref));
    if (hits.length === 1) return hits[0]!;
    throw new ReviewUsageError(
      hits.length
        ? `run "${ref}" is ambiguous: ${hits
            .slice(0, 5)
            .map((r) => r.id)
            .join(', ')}`
        : `no run "${ref}" in the workspace`,
    );
  });
}

async function resolve(git: Git | undefined, ref: string): Promise<string> {
  const c = git ? await git.commitOf(ref) : undefined;
  if (!c) throw new ReviewUsageError(`"${ref}" names no commit in this repository`);
  return c;
}

/** A side made of runs named on the command line: their commit when they share one. */
async function namedSide(
  git: Git | undefined,
  workspace: RunSet,
  refs: readonly string[],
  flag: string,
): Promise<ReviewSide> {
  const runs = pickRuns(workspace, refs);
  const commits = new Set(runs.map((r) => r.git.commit));
  const shared = commits.size === 1 ? [...commits][0] : undefined;
  const commit = shared && git ? ((await git.commitOf(shared)) ?? null) : null;
  return {
    ref: 'runs',
    commit,
    subject: commit && git ? await git.subject(commit) : null,
    runs,
    found: `runs named with ${flag}`,
    depth: null,
  };
}

async function findHead(
  git: Git | undefined,
  finder: CommitRuns,
  workspace: RunSet,
  req: ReviewRequest,
): Promise<ReviewSide> {
  if (req.runs?.length) {
    return namedSide(git, workspace, req.runs, '--run');
  }
  const commit = await resolve(git, req.settings.head);
  const runs = await finder.runsAt(commit);
  return {
    ref: req.settings.head,
    commit,
    subject: await git!.subject(commit),
    runs,
    found: runs.length
      ? `${runs.length} run(s) of ${commit.slice(0, 7)}`
      : `no run records commit ${commit.slice(0, 7)} (${req.settings.head}) and its tree holds no run files`,
    depth: null,
  };
}

async function findBase(
  git: Git | undefined,
  finder: CommitRuns,
  workspace: RunSet,
  req: ReviewRequest,
  head: ReviewSide,
): Promise<ReviewSide> {
  if (req.baselineRuns?.length) {
    return namedSide(git, workspace, req.baselineRuns, '--baseline-run');
  }
  if (!git) throw new ReviewUsageError('not in a git repository: name the baseline with --baseline-run');
  const ref = req.settings.base ?? (await git.defaultBranch());
  if (!ref) throw new ReviewUsageError('no default branch found (no origin/HEAD, main or master): pass --base <ref>');
  const baseTip = await resolve(git, ref);
  const headCommit = head.commit ?? (await resolve(git, req.settings.head));
  const mergeBase = await git.mergeBase(headCommit, baseTip);
  if (!mergeBase) throw new NoRunsError(`${ref} and ${req.settings.head} share no history`);
  // On the base branch itself the merge-base is head: the baseline is what came before it.
  const walk = await git.firstParents(mergeBase, req.settings.maxDepth + 1);
  const candidates = mergeBase === headCommit ? walk.slice(1) : walk.slice(0, req.settings.maxDepth + 1);
  const offset = mergeBase === headCommit ? 1 : 0;
  for (let i = 0; i < candidates.length; i++) {
    const runs = await finder.runsAt(candidates[i]!);
    if (!runs.length) continue;
    const depth = i + offset;
    const where =
      depth === 0
        ? `the merge-base of ${ref} and ${req.settings.head}`
        : `${depth} first-parent commit(s) back from the merge-base ${mergeBase.slice(0, 7)} (newer ones had no runs)`;
    return {
      ref,
      commit: candidates[i]!,
      subject: await git.subject(candidates[i]!),
      runs,
      found: `${runs.length} run(s) of ${candidates[i]!.slice(0, 7)}, ${where}`,
      depth,
    };
  }
  return {
    ref,
    commit: mergeBase,
    subject: await git.subject(mergeBase),
    runs: [],
    found: `no runs at the merge-base ${mergeBase.slice(0, 7)} of ${ref} or its ${req.settings.maxDepth} first-parent ancestors (--max-depth)`,
    depth: null,
  };
}

/** Params whose values differ between the sides (seed-like ones left out: they differ by design). */
function paramChanges(base: readonly Run[], head: readonly Run[], isSeed: (k: string) => boolean): ParamChange[] {
  const valuesOf = (runs: readonly Run[], k: string): ParamValue[] => {
    const out: ParamValue[] = [];
    for (const r of runs) {
      const v = k in r.params ? r.params[k]! : undefined;
      if (v !== undefined && !out.some((o) => sameParam(o, v))) out.push(v);
    }
    return out;
  };
  const keys = new Set<string>();
  for (const r of [...base, ...head]) for (const k of Object.keys(r.params)) if (!isSeed(k)) keys.add(k);
  const out: ParamChange[] = [];
  for (const k of [...keys].sort()) {
    const b = valuesOf(base, k);
    const h = valuesOf(head, k);
    if (b.length !== h.length || b.some((v) => !h.some((w) => sameParam(v, w)))) out.push({ key: k, base: b, head: h });
  }
  return out;
}

async function codeChange(git: Git, from: string, to: string): Promise<CodeChange> {
  const changed = await git.changedFiles(from, to);
  return {
    files: changed.length,
    insertions: changed.reduce((n, f) => n + (f.insertions ?? 0), 0),
    deletions: changed.reduce((n, f) => n + (f.deletions ?? 0), 0),
    changed: changed.sort(
      (a, b) =>
        (b.insertions ?? 0) + (b.deletions ?? 0) - ((a.insertions ?? 0) + (a.deletions ?? 0)) ||
        (a.path < b.path ? -1 : 1),
    ),
  };
}

/** The metrics worth a chart: configured ones, else the gated ones, else the first loss-like and accuracy-like. */
function keyMetrics(configured: readonly string[], gates: readonly Gate[], entries: readonly MetricEntry[]): string[] {
  const names = [...new Set(entries.map((e) => e.name))];
  if (configured.length) return configured.filter((k) => names.includes(k)).slice(0, MAX_CHARTS);
  if (gates.length)
    return [...new Set(gates.map((g) => g.metric))].filter((k) => names.includes(k)).slice(0, MAX_CHARTS);
  const pick = [entries.find((e) => e.direction === 'lower'), entries.find((e) => e.direction === 'higher')]
    .filter((e) => e !== undefined)
    .map((e) => e.name);
  return [...new Set(pick.length ? pick : names.slice(0, 1))];
}

async function charts(
  pairs: readonly GroupPair[],
  keys: readonly string[],
  finder: CommitRuns,
): Promise<MetricChart[]> {
  const out: MetricChart[] = [];
  // At most MAX_CHARTS charts in all: the first pairs' key metrics (a comment with twenty charts is read by nobody).
  for (const metric of keys) {
    for (const pair of pairs) {
      if (out.length >= MAX_CHARTS) return out;
      const read = async (runs: readonly Run[]) =>
        (
          await Promise.all(
            runs
              .filter((r) => r.metrics[metric])
              .slice(0, CURVE_RUNS)
              .map((r) => finder.readSeries(r, [metric])),
          )
        )
          .flat()
          .filter((x) => x.key === metric);
      const [b, h] = await Promise.all([read(pair.base.runs), read(pair.head.runs)]);
      if (!b.length && !h.length) continue;
      const grid = stepGrid([...b, ...h], CHART_POINTS);
      if (grid.length < 2) continue;
      out.push({ metric, group: pair.label, base: groupCurve(b, grid), head: groupCurve(h, grid) });
    }
  }
  return out;
}
