import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toIndexJson, type IndexJson } from '../../src/core/index/indexJson';
import { scanFolder } from '../../src/core/index/scan';
import { compareWithExpected } from '../helpers/conformance';

/**
 * Conformance over the real files in shared/fixtures (written by the real tools): one test per source folder,
 * against the reference reader's expected.json. The location comes from RUNLENS_FIXTURES; the project keeps no
 * copy. RUNLENS_CONFORMANCE_FORMAT narrows to one format folder while working on a reader.
 */
const fixturesRoot = process.env.RUNLENS_FIXTURES;
const onlyFormat = process.env.RUNLENS_CONFORMANCE_FORMAT;

describe('conformance with real run files (RUNLENS_FIXTURES)', function () {
  this.timeout(60_000);

  // No fixtures: nothing registered; scripts/test.mjs prints the one line saying these suites were not run and why.
  if (!fixturesRoot) return;

  const formats = fs
    .readdirSync(fixturesRoot, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  it('finds fixture folders', () => {
    assert.ok(formats.length >= 10, `only ${formats.length} format folders in ${fixturesRoot}`);
  });

  for (const format of formats) {
    if (onlyFormat && format !== onlyFormat) continue;
    const dir = path.join(fixturesRoot, format);
    const sources = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.expected.json'))
      .sort();
    describe(format, () => {
      for (const file of sources) {
        const name = file.slice(0, -'.expected.json'.length);
        it(name, async () => {
          const expected = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as IndexJson;
          const result = await scanFolder(path.join(dir, name));
          const actual = JSON.parse(JSON.stringify(toIndexJson(result.runs, result.diagnostics))) as IndexJson;
          const mismatches = compareWithExpected(expected, actual);
          assert.deepEqual(mismatches.slice(0, 30), [], `${mismatches.length} mismatches`);
        });
      }
    });
  }
});
