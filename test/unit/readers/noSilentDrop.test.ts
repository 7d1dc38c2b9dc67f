import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { READERS } from '../../../src/core/readers/index';
import { scanFolder, type ScanResult } from '../../../src/core/index/scan';
import { makeTemp, put, rmTemp } from '../../helpers/tmp';
import { writeHydraJob } from '../../helpers/writers/hydra';
import { kerasCsv } from '../../helpers/writers/tabular';

/** Files that look like a run file but give no run: each must say so (the fuzz harness found these silent). */
describe('a run file that yields no run is diagnosed', () => {
  let root: string;
  beforeEach(() => (root = makeTemp('runlens-drop-')));
  afterEach(() => rmTemp(root));
  const scan = (): Promise<ScanResult> => scanFolder(root, { readers: READERS });
  const diag = (r: ScanResult): string[] => r.diagnostics.map((d) => `${d.path}: ${d.severity}: ${d.message}`);

  it('a zero-length mlflow.db', async () => {
    put(root, 'mlflow.db', '');
    const r = await scan();
    assert.deepEqual(r.runs, []);
    assert.deepEqual(diag(r), ['mlflow.db: warning: mlflow: mlflow.db is empty (0 bytes): no runs in it yet']);
  });

  it('an mlflow.db that is an SQLite database without MLflow tables', async () => {
    const initSqlJs = (await import('sql.js')).default;
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE notes (x TEXT)');
    put(root, 'mlflow.db', db.export());
    db.close();
    const r = await scan();
    assert.deepEqual(diag(r), [
      'mlflow.db: warning: mlflow: mlflow.db has no MLflow tables (runs, experiments, metrics, params, tags); no runs read',
    ]);
  });

  it('a zero-length, a binary and a garbled Keras CSVLogger file', async () => {
    const good = kerasCsv([{ loss: 0.5 }, { loss: 0.25 }]);
    put(root, 'a/model_history_log.csv', '');
    put(
      root,
      'b/history.csv',
      Buffer.concat([Buffer.from(good.slice(0, 5)), Buffer.from([0, 0, 0xff, 0xfe]), Buffer.from(good.slice(5))]),
    );
    put(root, 'c/training_log.csv', good.replace('epoch', 'epkch'));
    put(root, 'd/training.log', '');
    const r = await scan();
    assert.deepEqual(r.runs, []);
    assert.deepEqual(diag(r).sort(), [
      'a/model_history_log.csv: warning: keras: model_history_log.csv is empty: no epoch logged yet, or not a CSVLogger file',
      'b/history.csv: warning: keras: history.csv is not text; not read as a CSVLogger file',
      'c/training_log.csv: warning: keras: training_log.csv does not start with an "epoch" column; not read as a CSVLogger file',
      'd/training.log: warning: keras: training.log is empty: no epoch logged yet, or not a CSVLogger file',
    ]);
  });

  it('but not other CSV and log files (data, a Hydra job log), which are no run files', async () => {
    put(root, 'data/train.csv', 'x,y\n1,2\n');
    put(root, 'data/empty.csv', '');
    put(root, 'nohup.log', '');
    writeHydraJob(root, 'outputs/d/t', { config: { lr: 0.1 }, jobName: 'training', log: [] });
    fs.writeFileSync(path.join(root, 'outputs/d/t/training.log'), '');
    const r = await scan();
    assert.deepEqual(
      r.runs.map((x) => x.path),
      ['outputs/d/t'],
    );
    assert.deepEqual(diag(r), []);
  });
});
