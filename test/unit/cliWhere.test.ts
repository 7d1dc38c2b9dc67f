import assert from 'node:assert/strict';
import { runId } from '../../src/core/ids';
import { cli } from '../helpers/runCli';
import { makeTemp, rmTemp } from '../helpers/tmp';
import { writeMlflowStore, type RunSpec } from '../helpers/writers/mlflowFiles';

const T0 = 1_700_000_000_000;

describe('CLI --where', () => {
  let root: string;
  const spec = (i: number, lr: string, loss: number): RunSpec => ({
    id: String(i).repeat(32),
    runName: `sweep-${i}`,
    startTime: T0 + i,
    endTime: T0 + i + 1000,
    params: { lr, opt: i % 2 ? 'adam' : 'sgd' },
    metrics: {
      val_loss: [
        [T0, 1, 0],
        [T0 + 1, loss, 1],
      ],
    },
  });
  const ids = [1, 2, 3, 4].map((i) => runId('mlflow', `mlruns/1/${String(i).repeat(32)}`));

  before(() => {
    root = makeTemp();
    writeMlflowStore(root, 'mlruns', [
      {
        id: '1',
        name: 'sweep',
        runs: [spec(1, '0.1', 0.5), spec(2, '1e-3', 0.2), spec(3, '0.0005', 0.3), spec(4, '0.01', 0.9)],
      },
    ]);
  });
  after(() => rmTemp(root));

  it('list --where lists only the runs the filter selects', async () => {
    const { code, out } = await cli(['list', root, '--where', 'params.lr <= 1e-3 or metrics.val_loss.min > 0.8']);
    assert.equal(code, 0);
    const listed = ids.filter((id) => out.includes(id));
    assert.deepEqual(listed, [ids[1], ids[2], ids[3]]);
    assert.match(out, /3 of 4 runs/);
  });

  it('diff --where diffs the selected runs after the named ones', async () => {
    const { code, out } = await cli(['diff', root, ids[3]!, '--where', "params.opt = 'sgd'", '--format', 'json']);
    assert.equal(code, 0);
    const json = JSON.parse(out);
    assert.deepEqual(
      json.runs.map((r: { id: string }) => r.id),
      [ids[3], ids[1]],
    );
  });

  it('diff --where needs two runs in all', async () => {
    const { code, err } = await cli(['diff', root, '--where', 'params.lr = 0.1']);
    assert.equal(code, 1);
    assert.match(err, /diff needs at least two runs; --where selected 1/);
  });

  it('a bad expression exits 2 with the column and a caret under it', async () => {
    const { code, err } = await cli(['list', root, '--where', 'params.lr < and name = x']);
    assert.equal(code, 2);
    assert.equal(
      err,
      "runlens: --where: expected a value after '<' at column 13\n  params.lr < and name = x\n              ^\n",
    );
  });
});
