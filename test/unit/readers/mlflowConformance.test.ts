import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toIndexJson, type IndexJson } from '../../../src/core/index/indexJson';
import { mlflowDbReader } from '../../../src/core/readers/mlflow/mlflowDb';
import { mlflowFilesReader } from '../../../src/core/readers/mlflow/mlflowFiles';
import { compareWithExpected } from '../../helpers/conformance';
import { readFolder, toRuns } from '../../helpers/writers/mlflowHarness';

/**
 * The real MLflow stores in shared/fixtures/mlflow read by the two MLflow readers alone (the full conformance
 * test runs every reader through scanFolder; this one pins MLflow's own result, and that it reports nothing).
 */
const fixturesRoot = process.env.RUNLENS_FIXTURES;

describe('mlflow readers on the real fixtures', function () {
  this.timeout(60_000);
  // No fixtures: nothing registered; scripts/test.mjs prints the one line saying these suites were not run and why.
  if (!fixturesRoot) return;
  const dir = path.join(fixturesRoot, 'mlflow');
  const sources = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.expected.json'))
    .sort();
  for (const file of sources) {
    const name = file.slice(0, -'.expected.json'.length);
    it(name, async () => {
      const expected = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as IndexJson;
      const read = await readFolder(path.join(dir, name), [mlflowFilesReader, mlflowDbReader]);
      const actual = JSON.parse(JSON.stringify(toIndexJson(toRuns(read), read.diagnostics))) as IndexJson;
      assert.deepEqual(compareWithExpected(expected, actual).slice(0, 30), []);
      assert.deepEqual(actual.diagnostics, []);
      assert.equal(actual.runs.length, expected.runs.length);
    });
  }
});
