import assert from 'node:assert/strict';
import { indexFolder } from '../../../src/cli/workspace';
import { CURVES_CSV_HEADER, curveCsvChunks, labelledDiff, summaryCsv } from '../../../src/core/compare/exportText';
import { diffToMarkdown } from '../../../src/core/compare/report';
import { applyMetricAliases, DEFAULT_METRIC_ALIASES } from '../../../src/core/groups/aliases';
import type { WorkspaceIndex } from '../../../src/core/index';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { writeMlflowStore } from '../../helpers/writers/mlflowFiles';

const T0 = 1_700_000_000_000;

describe("compare view exports: the alias map's names, the original names kept", () => {
  let root: string;
  let index: WorkspaceIndex;
  before(async () => {
    root = makeTemp();
    // A Keras-like run logging val_loss and a Hugging Face-like run logging eval_loss (one metric, two names)
    writeMlflowStore(root, 'mlruns', [
      {
        id: '1',
        name: 'exp',
        runs: [
          {
            id: 'a'.repeat(32),
            runName: 'keras',
            params: { lr: '0.1' },
            metrics: {
              val_loss: [
                [T0, 0.9, 0],
                [T0 + 1000, 0.5, 1],
              ],
            },
          },
          {
            id: 'b'.repeat(32),
            runName: 'hf',
            params: { lr: '0.01' },
            metrics: {
              eval_loss: [
                [T0, 0.8, 0],
                [T0 + 1000, 0.25, 1],
              ],
              accuracy: [[T0, 0.7, 1]],
            },
          },
        ],
      },
    ]);
    index = await indexFolder(root);
  });
  after(() => rmTemp(root));

  function aliased(): ReturnType<typeof applyMetricAliases> {
    const runs = [...index.runs()].sort((p, q) => p.name.localeCompare(q.name)).reverse(); // keras, hf
    return applyMetricAliases(runs, DEFAULT_METRIC_ALIASES);
  }

  it('Copy as Markdown: one row for both names, labelled "val_loss (eval_loss)", with both runs\' values', () => {
    const { runs, originals } = aliased();
    const md = diffToMarkdown(labelledDiff(runs, originals, { baseline: 0, all: true }), { all: true });
    const rows = md.split('\n').filter((l) => l.startsWith('| val_loss'));
    assert.equal(rows.length, 1, md);
    // the delta against the baseline (keras) and the ★ of the lower loss, as for any one-name row
    assert.equal(rows[0], '| val_loss (eval_loss) | 0.5 | 0.25 (\u22120.25, \u221250.0%) ★ |');
    assert.doesNotMatch(md, /^\| eval_loss /m);
    // a metric no alias renamed keeps its own name alone
    assert.match(md, /^\| accuracy \| — \| 0\.7/m);
  });

  it('summary CSV: metric columns under the label, both runs on one column', () => {
    const { runs, originals } = aliased();
    const csv = summaryCsv(runs, runs[0]!.id, () => undefined, originals);
    const [header, keras, hf] = csv.split('\r\n');
    const cols = header!.split(',');
    const at = cols.indexOf('val_loss (eval_loss):last');
    assert.ok(at > 0, header);
    assert.ok(!header!.includes('eval_loss:last'), header);
    assert.equal(keras!.split(',')[at], '0.5');
    assert.equal(hf!.split(',')[at], '0.25');
    assert.equal(hf!.split(',')[cols.indexOf('val_loss (eval_loss):min')], '0.25');
    // without aliases, the columns are the names the runs logged
    assert.match(
      summaryCsv(index.runs(), undefined, () => undefined),
      /eval_loss:last.*val_loss:last/,
    );
  });

  it('curves CSV: the canonical name in `metric`, the logged name in `logged_as`', async () => {
    const hf = index.runs().find((r) => r.name === 'hf')!;
    const [s] = await index.readSeries(hf.id, ['eval_loss']);
    const text = [...curveCsvChunks(hf, s!, 'val_loss')].join('');
    assert.equal(CURVES_CSV_HEADER, 'run_id,run_name,metric,step,wall_time,value,logged_as\n');
    assert.equal(
      text,
      `${hf.id},hf,val_loss,0,${new Date(T0).toISOString()},0.8,eval_loss\n` +
        `${hf.id},hf,val_loss,1,${new Date(T0 + 1000).toISOString()},0.25,eval_loss\n`,
    );
  });
});
