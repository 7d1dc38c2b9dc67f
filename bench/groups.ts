import * as os from 'node:os';
import { groupRuns } from '../src/core/groups/groups';
import { NO_GIT, type Run } from '../src/core/model';
import { opt } from './options';

/**
 * Grouping 10,000 runs (auto: every param but the seed; every metric's last/min/max/best summarised per group), next
 * to its floor measured in the same run: the same groups and the same means and stds of `last` by a plain loop
 * (a Map keyed by the joined param values, two passes for the std), with no seed matching, no value canonicalising,
 * no min/max/best. The load average is printed too: on a shared machine only the ratio means much.
 *
 *   npx tsc -p . && node out/bench/groups.js [--runs 10000] [--repeat 7]
 */
const RUNS = opt('--runs', 10_000);
const REPEAT = opt('--repeat', 7);
const SEEDS = 5;
const METRICS = ['val_loss', 'accuracy', 'train_loss'];

/** RUNS runs: 2,000 configurations (lr × batch × layers × dropout) × 5 seeds, three metrics each. */
function makeRuns(): Run[] {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c = Math.floor(i / SEEDS);
    const params = {
      lr: 10 ** -(1 + (c % 5)),
      batch: 16 << (Math.floor(c / 5) % 4),
      layers: 2 + (Math.floor(c / 20) % 10),
      dropout: String(Math.floor(c / 200) / 10),
      optimizer: 'adam',
      seed: i % SEEDS,
    };
    const metrics: Run['metrics'] = {};
    METRICS.forEach((m, k) => {
      const v = Math.sin(i * 12.9898 + k) * 0.1 + 0.5 + (c % 7) / 10;
      metrics[m] = { last: v, lastStep: 99, min: v - 0.1, max: v + 0.3, count: 100 };
    });
    runs.push({
      id: `r${i}`,
      format: 'mlflow',
      path: `mlruns/1/${i}`,
      name: `run-${i}`,
      experiment: 'bench',
      status: 'finished',
      startTime: null,
      endTime: null,
      git: { ...NO_GIT },
      params,
      metrics,
      tags: {},
      parentId: null,
      deleted: false,
    });
  }
  return runs;
}

/** The floor: the simplest loop that gives the same groups and the same mean ± std of each metric's last. */
function floor(runs: readonly Run[]): Map<string, Record<string, [number, number]>> {
  const buckets = new Map<string, Run[]>();
  for (const r of runs) {
    let key = '';
    for (const k of Object.keys(r.params).sort()) if (k !== 'seed') key += `${k}=${String(r.params[k])};`;
    const b = buckets.get(key);
    if (b) b.push(r);
    else buckets.set(key, [r]);
  }
  const out = new Map<string, Record<string, [number, number]>>();
  for (const [key, rs] of buckets) {
    const stats: Record<string, [number, number]> = {};
    for (const m of METRICS) {
      let sum = 0;
      for (const r of rs) sum += r.metrics[m]!.last!;
      const mean = sum / rs.length;
      let ss = 0;
      for (const r of rs) ss += (r.metrics[m]!.last! - mean) ** 2;
      stats[m] = [mean, Math.sqrt(ss / (rs.length - 1))];
    }
    out.set(key, stats);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function main(): void {
  const runs = makeRuns();
  const ms: number[] = [];
  const floorMs: number[] = [];
  let groups = 0;
  let check = 0;
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    const g = groupRuns(runs);
    ms.push(performance.now() - t0);
    const t1 = performance.now();
    const f = floor(runs);
    floorMs.push(performance.now() - t1);
    // Same answer, or the comparison means nothing.
    if (g.length !== f.size) throw new Error(`groupRuns found ${g.length} groups, the floor ${f.size}`);
    groups = g.length;
    const fMean = [...f.values()].reduce((a, s) => a + s['val_loss']![0], 0);
    const gMean = g.reduce((a, s) => a + s.metrics['val_loss']!.last.mean!, 0);
    check = Math.abs(fMean - gMean);
    if (check > 1e-6) throw new Error(`means differ by ${check}`);
  }
  const m = median(ms);
  const f = median(floorMs);
  console.log(
    `groups: ${RUNS} runs → ${groups} groups of ${SEEDS} seeds, ${METRICS.length} metrics × 4 summaries each`,
  );
  console.log(
    `groupRuns (median of ${REPEAT}): ${m.toFixed(1)} ms   (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores)`,
  );
  console.log(`floor (plain loop, mean ± std of last only): ${f.toFixed(1)} ms   ratio ${(m / f).toFixed(1)}×`);
}

main();
