import assert from 'node:assert/strict';
import type { Run } from '../../../src/core/model';
import { noBaselineHeader, reviewHeader } from '../../../src/core/review/header';
import {
  GITHUB_COMMENT_LIMIT,
  noBaselineMarkdown,
  REVIEW_MARKER,
  reviewSummaryMarkdown,
  reviewToMarkdown,
} from '../../../src/core/review/markdown';
import { parseGate } from '../../../src/core/review/gates';
import { groupRuns, metricEntries, pairGroups } from '../../../src/core/review/pairing';
import type { Review } from '../../../src/core/review/review';
import { seedMatcher } from '../../../src/core/compare/seeds';
import { modelRun } from '../../helpers/modelRun';

function run(id: string, experiment: string, params: Record<string, string>, metrics: Record<string, number>): Run {
  return modelRun(id, params, metrics, { lastStep: 1, count: 2, path: `mlruns/1/${id}`, experiment });
}

/** A review of these sides with no params, code, charts or notes; metrics from the pairs when options are given. */
function review(
  verdict: Review['verdict'],
  base: Review['base'],
  head: Review['head'],
  pairs: Review['pairs'],
  options?: Parameters<typeof metricEntries>[1],
): Review {
  const metrics = options ? metricEntries(pairs, options) : [];
  return {
    verdict,
    base,
    head,
    pairs,
    metrics,
    params: [],
    code: null,
    charts: [],
    dirty: [],
    remote: null,
    notes: [],
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

  it('a run with an empty experiment name is grouped by its path (at the root, “.”: a group is never labelled “”)', () => {
    const r = run('h1', '', {}, { val_loss: 1 });
    const root = { ...run('h2', '', {}, { val_loss: 1 }), path: '' };
    assert.deepEqual(
      groupRuns([r, root], () => false).map((g) => g.experiment),
      ['mlruns/1/h1', '.'],
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
    const r = review('pass', side(base), side(head), pairs, {
      gates: [],
      directions: {},
      beyondNoise: false,
      alpha: 0.05,
    });
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

  it('the compare view’s header and Copy as Markdown: the comment’s own summary, gated rows first', () => {
    const isSeed = seedMatcher();
    const base = [
      run('b1', 'cnn', { seed: '1' }, { val_loss: 1, acc: 0.5 }),
      run('b2', 'cnn', { seed: '2' }, { val_loss: 1.2, acc: 0.52 }),
    ];
    const head = [
      run('h1', 'cnn', { seed: '1' }, { val_loss: 1.5, acc: 0.6 }),
      run('h2', 'cnn', { seed: '2' }, { val_loss: 1.7, acc: 0.62 }),
    ];
    const pairs = pairGroups(groupRuns(base, isSeed), groupRuns(head, isSeed));
    const metrics = metricEntries(pairs, {
      gates: [parseGate('val_loss:+10%')],
      directions: {},
      beyondNoise: false,
      alpha: 0.05,
    });
    const side = (runs: Run[], c: string) => ({
      ref: c,
      commit: c.repeat(40),
      subject: 'x',
      runs,
      found: 'here',
      depth: 0,
    });
    const r: Review = { ...review('fail', side(base, 'a'), side(head, 'b'), pairs), metrics };
    const header = reviewHeader(r, { alpha: 0.05, beyondNoise: false });
    assert.equal(header.title, '1 of 1 gate failed');
    assert.deepEqual(header.failed, ['val_loss +10%']);
    assert.deepEqual(
      header.rows.map((x) => [x.group, x.metric, x.base, x.head, x.delta, x.pct, x.gate, x.verdict]),
      [
        ['cnn', 'val_loss', '1.1 ± 0.14 (n=2)', '1.6 ± 0.14 (n=2)', '+0.5', '+45.5%', '+10%', 'fail'],
        ['cnn', 'acc', '0.51 ± 0.014 (n=2)', '0.61 ± 0.014 (n=2)', '+0.1', '+19.6%', null, 'ungated'],
      ],
    );
    const summary = reviewSummaryMarkdown(r);
    const comment = reviewToMarkdown(r);
    assert.ok(comment.startsWith(`${REVIEW_MARKER}\n${summary.split('\n_Runlens ·')[0]}`), 'one renderer');
    assert.match(summary, /^### ❌ Runlens review: 1 of 1 gate failed · base `aaaaaaa` → head `bbbbbbb`/);
    assert.match(
      summary,
      /\| val_loss \| 1\.1 ± 0\.14 \(n=2\) \| 1\.6 ± 0\.14 \(n=2\) \| \+0\.5 \| \+45\.5% \| \+10% \| ❌ fail \|/,
    );
    assert.match(summary, /_Runlens · ± is the std between seeds; “noise”: Welch's t-test of the seed groups/);

    const hostile = { ...side(head, 'b'), ref: '<img src=x>`', subject: '[x](https://evil.example)' };
    const none = noBaselineHeader(hostile, 'no baseline runs: none in 50 commits', { alpha: 0.05, beyondNoise: true });
    assert.deepEqual(
      [none.verdict, none.base, none.rows, none.notes],
      ['no-baseline', null, [], ['no baseline runs: none in 50 commits']],
    );
    const md = noBaselineMarkdown(hostile, 'no baseline runs: none in 50 commits');
    assert.match(md, /^### ⚠️ Runlens review: no baseline runs · head `bbbbbbb`/);
    assert.ok(!md.includes('<img') && !md.includes('](https://evil'), md);
  });
});
