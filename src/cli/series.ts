// `runlens series <dir> <run>`: one run's curves, for a reader on another machine (an SSH source) or a script.
import { formatNumber, textTable } from '../core/compare/format';
import { SERIES_FORMAT, wireSeries, type SeriesJson } from '../core/sources/ssh/wire';
import type { WorkspaceIndex } from '../core/index';
import type { Run } from '../core/model';
import { UsageError, type CliCommand, type Parsed } from './command';

/** main.ts's way of opening a folder and naming a run, given here rather than imported (no import cycle). */
export interface SeriesDeps {
  openIndex(dir: string | undefined, p: Parsed): Promise<WorkspaceIndex>;
  resolveRun(index: WorkspaceIndex, ref: string): Run;
}

export function seriesCommand(deps: SeriesDeps): CliCommand {
  return {
    name: 'series',
    args: '<dir> <run> [--metric <key>]... [--from <n>] [--json]',
    summary: "one run's curves: every point of each metric (steps, values, wall times)",
    description:
      '<run> is a run id, an id prefix, a path or a unique name, as for `show`. With --json the output is the ' +
      'series contract in docs/cli.md (non-finite values as "NaN", "Infinity", "-Infinity"; missing steps and ' +
      'times as null). --from n prints each curve from its n-th point on, for a reader that holds the first n.',
    options: [
      ['--metric <key>', 'only this metric (repeatable); every metric by default'],
      ['--from <n>', 'skip the first n points of each curve (a reader that has them asks for the rest)'],
      ['--json', 'the points as JSON'],
      ['--cache', 'use (and keep) the index cache `index --cache` keeps'],
    ],
    valueFlags: ['--metric', '--from'],
    booleanFlags: ['--json', '--cache'],
    examples: ['runlens series . 3f2a --metric loss', 'runlens series experiments 3f2a --json --from 1000'],
    async run(p: Parsed, out) {
      if (p.positional.length !== 2) throw new UsageError('series needs <dir> <run>');
      const fromText = p.flags.get('--from')?.at(-1) ?? '0';
      const from = Number(fromText);
      if (!Number.isSafeInteger(from) || from < 0)
        throw new UsageError(`--from must be a whole number ≥ 0 (got ${fromText})`);
      const index = await deps.openIndex(p.positional[0], p);
      const run = deps.resolveRun(index, p.positional[1]!);
      const keys = p.flags.get('--metric');
      const series = await index.readSeries(run.id, keys);
      if (p.flags.has('--json')) {
        const doc: SeriesJson = {
          format: SERIES_FORMAT,
          runId: run.id,
          series: series.map((s) => wireSeries(s, from)),
        };
        out(JSON.stringify(doc));
        return 0;
      }
      out(
        textTable(
          ['metric', 'points', 'first step', 'last step', 'last value'],
          series.map((s) => {
            const n = s.values.length;
            return [
              s.key,
              String(n),
              n ? formatNumber(s.steps[0]!) : '',
              n ? formatNumber(s.steps[n - 1]!) : '',
              n ? formatNumber(s.values[n - 1]!) : '',
            ];
          }),
        ),
      );
      return 0;
    },
  };
}
