import type { Reader, TailParser } from '../../src/core/readers/types';
import { NO_GIT } from '../../src/core/model';

/**
 * A deliberately small reader for indexer tests: a folder holding `run.txt` ("name=<name>") and `points.log`
 * (lines "key step value") is a run. It exercises the same ReadContext paths the real readers use (whole reads,
 * tail reads, problems) without any one format's detail. Registered as format 'keras' only because the format
 * union is closed; the indexer never looks at the format's meaning.
 */
export const lineParser: TailParser<{ lines: number }> = {
  init: () => ({ lines: 0 }),
  parse(chunk, state, emit, _atEof, problem) {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] !== 10) continue;
      const line = Buffer.from(chunk.subarray(start, i)).toString('utf8');
      start = i + 1;
      state.lines++;
      const [key, step, value] = line.split(' ');
      if (!key || step === undefined || value === undefined) {
        problem(`bad line ${state.lines}`);
        continue;
      }
      emit(key, Number(step), Number(value), NaN);
    }
    return start;
  },
};

export const lineReader: Reader = {
  format: 'keras',
  detect(dir, tree) {
    const entries = tree.list(dir) ?? [];
    if (!entries.some((e) => e.isFile && e.name === 'run.txt')) return [];
    const file = (n: string): string => (dir === '' ? n : `${dir}/${n}`);
    return [{ format: 'keras', dir, path: dir, files: [file('run.txt'), file('points.log')] }];
  },
  async read(source, ctx) {
    const file = (n: string): string => (source.dir === '' ? n : `${source.dir}/${n}`);
    const text = (await ctx.readText(file('run.txt'))) ?? '';
    await ctx.tail(file('points.log'), lineParser);
    return [
      {
        path: source.path,
        format: 'keras',
        name: /name=(.*)/.exec(text)?.[1]?.trim() ?? source.dir,
        experiment: null,
        status: 'unknown',
        startTime: null,
        endTime: null,
        git: { ...NO_GIT },
        params: {},
        tags: {},
        parentPath: null,
        deleted: false,
      },
    ];
  },
};
