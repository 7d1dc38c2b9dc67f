import * as os from 'node:os';
import * as path from 'node:path';
import { defaultWorkerCount, WorkspaceIndex } from '../src/core/index';
import { DEFAULT_POLL_BOUNDS, nextPollInterval } from '../src/core/watch/poller';
import { floorStatWalk } from './floor';
import { ensureWorkspace } from './generate';
import { opt } from './options';

/**
 * The cost of one poll (runlens.watch = poll: `WorkspaceIndex.pollFolders`, a full pass) over a workspace of
 * unchanged runs, next to its floor measured in the same run: list every folder and stat every file with plain
 * readdirSync/statSync (what noticing "nothing changed" needs at least). Also printed: the interval the adaptive
 * rule settles on for that cost and the share of the time polling then takes. Medians of --repeat; the load
 * average is printed too: on a shared machine only the ratio means much.
 *
 *   npx tsc -p . && node out/bench/poll.js [--runs 10000] [--repeat 7]
 */
const RUNS = opt('--runs', 10_000);
const REPEAT = opt('--repeat', 7);
const WORK = path.join(__dirname, '..', '..', 'bench', '.work');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const { root, manifest } = ensureWorkspace(WORK, { name: 'poll', runs: RUNS, pointsPerRun: 20, seed: 4 }, (m) =>
    console.log(m),
  );
  const ix = await WorkspaceIndex.open([{ path: root, name: 'poll' }], { workers: defaultWorkerCount() });
  await ix.indexAll();
  if (ix.runCount() !== manifest.runs) throw new Error(`indexed ${ix.runCount()} runs, expected ${manifest.runs}`);
  ix.stopWorkers();
  const polls: number[] = [];
  const floors: number[] = [];
  let files = 0;
  for (let i = 0; i < REPEAT; i++) {
    // alternated, so the machine's load falls on both alike
    const f = floorStatWalk(root);
    floors.push(f.ms);
    files = f.files;
    const t0 = performance.now();
    const c = await ix.pollFolders([root]);
    polls.push(performance.now() - t0);
    if (c.changed.length || c.removed.length)
      throw new Error(`a poll of unchanged files reported ${c.changed.length} changed`);
  }
  ix.dispose();
  const poll = median(polls);
  const floor = median(floors);
  let interval = DEFAULT_POLL_BOUNDS.minMs;
  for (let i = 0; i < 20; i++) interval = nextPollInterval(interval, { changed: false, costMs: poll });
  const afterChange = nextPollInterval(interval, { changed: true, costMs: poll });
  const per10k = (ms: number): number => (ms * 10_000) / manifest.runs;
  console.log(
    `poll of ${manifest.runs} unchanged runs (${files} files), median of ${REPEAT}; load ${os.loadavg()[0]!.toFixed(1)}`,
  );
  console.log(
    `  poll (WorkspaceIndex.pollFolders)  ${poll.toFixed(0)} ms  (${per10k(poll).toFixed(0)} ms per 10,000 runs)`,
  );
  console.log(`  floor (readdir + stat every file)  ${floor.toFixed(0)} ms`);
  console.log(`  ratio                              ${(poll / floor).toFixed(2)}×`);
  console.log(
    `  interval: ${(afterChange / 1000).toFixed(1)} s after a change, ${(interval / 1000).toFixed(1)} s when quiet; polling takes ${((100 * poll) / interval).toFixed(1)}% of the time when quiet`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
