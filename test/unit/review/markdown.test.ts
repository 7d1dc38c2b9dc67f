import assert from 'node:assert/strict';
import type { Run } from '../../../src/core/model';
import { GITHUB_COMMENT_LIMIT, REVIEW_MARKER, reviewToMarkdown } from '../../../src/core/review/markdown';
import { groupRuns, metricEntries, pairGroups } from '../../../src/core/review/pairing';
import type { Review } from '../../../src/core/review/review';
import { seedMatcher } from '../../../src/core/compare/seeds';

function run(id: string, experiment: string, params: Record<string, string>, metrics: Record<string, number>): Run {
  return {
    id,
    format: 'mlflow',
    path: `mlruns/1/${id}`,
    name: id,
    experiment,
    status: 'finished',
    startTime: null,
    endTime: null,
    git: { commit: null, branch: null, dirty: null, remote: null },
    params,
    metrics: Object.fromEntries(
      Object.entries(metrics).map(([k, v]) => [k, { last: v, lastStep: 1, min: v, max: v, count: 2 }]),
    ),
    tags: {},
    parentId: null,
    deleted: false,
  };
}

describe('review: pairing and the Markdown comment', () => {
  it('groups by experiment and non-seed params, and pairs each head group with its experiment’s closest baseline group', () => {
    const isSeed = seedMatcher();
    const base = [
      run('b1', 'cnn', { lr: '0.1', seed: '1' }, { val_loss: 1 }),
      run('b2', 'cnn', { lr: '0.1', seed: '2' }, { val_loss: 1.2 }),
      run('b3', 'mlp', { lr: '0.1', seed: '1' }, { val_loss: 2 }),
    ];
    const head = [
      run('h1', 'cnn', { lr: '0.05', seed: '1' }, { val_loss: 0.75 }),
      run('h2', 'cnn', { lr: '0.05', seed: '2' }, { val_loss: 1.25 }),
      run('h3', 'mlp', { lr: '0.1', seed: '7' }, { val_loss: 2.5 }),
    ];
    const pairs = pairGroups(groupRuns(base, isSeed), groupRuns(head, isSeed));
    assert.deepEqual(
      pairs.map((p) => [p.label, p.base.runs.map((r) => r.id), p.head.runs.map((r) => r.id)]),
      [
        ['cnn', ['b1', 'b2'], ['h1', 'h2']],
        ['mlp', ['b3'], ['h3']],
      ],
    );
    const entries = metricEntries(pairs, { gates: [], directions: {}, beyondNoise: false, alpha: 0.05 });
    assert.deepEqual(
      entries.map((e) => [e.group, e.base.mean, e.head.mean, e.verdict]),
      [
        ['cnn', 1.1, 1, 'ungated'],
        ['mlp', 2, 2.5, 'ungated'],
      ],
    );
  });

  it('stays under GitHub’s comment limit, cutting long tables first, with a note', () => {
    const metrics: Record<string, number> = {};
    for (let i = 0; i < 200; i++) metrics[`metric_${i}_${'x'.repeat(1500)}`] = i; // 60 rows of these pass 65,536
    const base = [run('b1', 'e', {}, metrics)];
    const head = [run('h1', 'e', {}, metrics)];
    const pairs = pairGroups(
      groupRuns(base, () => false),
      groupRuns(head, () => false),
    );
    const side = (runs: Run[]) => ({ ref: 'x', commit: 'a'.repeat(40), subject: null, runs, found: 'here', depth: 0 });
    const r: Review = {
      verdict: 'pass',
      base: side(base),
      head: side(head),
      pairs,
      metrics: metricEntries(pairs, { gates: [], directions: {}, beyondNoise: false, alpha: 0.05 }),
      params: [],
      code: null,
      charts: [],
      dirty: [],
      remote: null,
      notes: [],
    };
    const full = reviewToMarkdown(r, { limit: 10_000_000 });
    assert.ok(full.length > GITHUB_COMMENT_LIMIT, 'the fixture is big enough to need cutting');
    const md = reviewToMarkdown(r);
    assert.ok(md.length <= GITHUB_COMMENT_LIMIT);
    assert.ok(md.startsWith(REVIEW_MARKER));
    assert.match(md, /\d+ more metrics left out: see `--format json`/);
    const tiny = reviewToMarkdown(r, { limit: 300 });
    assert.ok(tiny.length <= 300);
    assert.match(tiny, /truncated to stay under the comment size limit/);
  });
});
