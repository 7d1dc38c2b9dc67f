import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Indexer } from '../../../src/core/index/indexer';
import { mlflowDbReader } from '../../../src/core/readers/mlflow/mlflowDb';
import { mlflowFilesReader } from '../../../src/core/readers/mlflow/mlflowFiles';
import { makeTemp, rmTemp, touchLater } from '../../helpers/tmp';
import { writeMlflowDb } from '../../helpers/writers/mlflowDb';
import { writeMlflowStore } from '../../helpers/writers/mlflowFiles';

const A = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const B = 'b1b2c3d4e5f60718293a4b5c6d7e8f91';
const T0 = 1721450907221;

/** The MLflow readers inside the real indexer: parent ids resolved, growing metric files followed across passes. */
describe('mlflow readers in the indexer', function () {
  this.timeout(20_000);
  let root: string;
  beforeEach(() => {
    root = makeTemp('runlens-mlflowix-');
  });
  afterEach(() => rmTemp(root));

  it('resolves nested runs to parent ids in both stores and follows a metric file as it grows', async () => {
    const store = writeMlflowStore(root, 'mlruns', [
      {
        id: '0',
        name: 'Default',
        runs: [
          { id: A, metrics: { loss: [[T0, 0.9, 0]] } },
          { id: B, tags: { 'mlflow.parentRunId': A } },
        ],
      },
    ]);
    await writeMlflowDb(
      path.join(root, 'mlflow.db'),
      [{ id: 0, name: 'Default' }],
      [
        { id: A, experimentId: 0 },
        { id: B, experimentId: 0, tags: { 'mlflow.parentRunId': A } },
      ],
    );
    const ix = new Indexer(root, { readers: [mlflowFilesReader, mlflowDbReader] });
    await ix.indexAll();
    const byPath = (): Map<string, ReturnType<Indexer['runs']>[number]> => new Map(ix.runs().map((r) => [r.path, r]));
    let runs = byPath();
    assert.deepEqual([...runs.keys()].sort(), [`mlflow.db#${A}`, `mlflow.db#${B}`, `mlruns/0/${A}`, `mlruns/0/${B}`]);
    assert.equal(runs.get(`mlruns/0/${B}`)!.parentId, runs.get(`mlruns/0/${A}`)!.id);
    assert.equal(runs.get(`mlflow.db#${B}`)!.parentId, runs.get(`mlflow.db#${A}`)!.id);
    assert.deepEqual(ix.diagnostics(), []);

    const metricFile = path.join(store, '0', A, 'metrics', 'loss');
    fs.appendFileSync(metricFile, `${T0 + 1} 0.5 1\n${T0 + 2} 0.`);
    touchLater(metricFile);
    await ix.indexAll();
    runs = byPath();
    assert.deepEqual(runs.get(`mlruns/0/${A}`)!.metrics['loss'], {
      last: 0.5,
      lastStep: 1,
      min: 0.5,
      max: 0.9,
      count: 2,
    });
    fs.appendFileSync(metricFile, `25 2\n`);
    touchLater(metricFile, 4);
    await ix.indexAll();
    assert.deepEqual(byPath().get(`mlruns/0/${A}`)!.metrics['loss'], {
      last: 0.25,
      lastStep: 2,
      min: 0.25,
      max: 0.9,
      count: 3,
    });
    assert.deepEqual(ix.diagnostics(), []);
  });
});
