import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isPlainObject } from '../../../src/core/flatten';
import { parsePyJson } from '../../../src/core/readers/hfTrainer';
import { sacredReader } from '../../../src/core/readers/sacred';
import { boundedScan, damage, seededRandom } from '../../helpers/fuzz';
import { pyFloat } from '../../helpers/writers/hf';
import { metricsJson, runJson, sacredJson } from '../../helpers/writers/sacred';

describe('sacred reader under damaged input', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-sacred-fuzz-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const T0 = Date.UTC(2024, 0, 1);
  const steps = Array.from({ length: 50 }, (_, i) => i);
  const files: Record<string, Buffer> = {
    'run.json': Buffer.from(
      sacredJson(
        runJson({
          experiment: 'fuzz',
          status: 'COMPLETED',
          start: T0,
          stop: T0 + 1000,
          repositories: [{ url: 'git://home/x/repo', commit: 'f'.repeat(40), dirty: false }],
        }),
      ),
    ),
    'config.json': Buffer.from(
      sacredJson({ lr: pyFloat(0.1), net: { layers: [1, 2], act: 'relu' }, pair: { 'py/tuple': [1, 2] }, seed: 3 }),
    ),
    'metrics.json': Buffer.from(
      sacredJson(
        metricsJson({
          loss: {
            steps,
            times: steps.map((s) => T0 + s * 1000),
            values: steps.map((s) => (s % 7 === 0 ? NaN : 1 / (s + 1))),
          },
          acc: { steps, times: steps.map((s) => T0 + s), values: steps.map((s) => s / 50) },
        }),
      ),
    ),
  };
  const names = Object.keys(files);

  it('never throws on damaged run.json, config.json or metrics.json, and diagnoses what does not parse', async () => {
    const rand = seededRandom(0x5ac7ed);
    for (let i = 0; i < 200; i++) {
      const target = names[Math.floor(rand() * names.length)]!;
      const other = files[names[Math.floor(rand() * names.length)]!]!;
      const { bytes, how } = damage(files[target]!, other, rand);
      const dir = path.join(root, `case${i}`, 'runs', '1');
      fs.mkdirSync(dir, { recursive: true });
      for (const n of names) fs.writeFileSync(path.join(dir, n), n === target ? bytes : files[n]!);
      fs.writeFileSync(path.join(dir, 'cout.txt'), '');
      const r = await boundedScan(path.join(root, `case${i}`), { readers: [sacredReader] });
      const parsed = parsePyJson(Buffer.from(bytes).toString('utf8'));
      const label = `${target} ${how}`;
      if (!parsed.ok) {
        assert.ok(
          r.diagnostics.some((d) => d.path === `runs/1/${target}` && d.severity === 'error'),
          `no diagnostic: ${label}`,
        );
        // The other files are sound: the run is still indexed from them.
        assert.equal(r.runs.length, 1, label);
      } else if (
        target === 'run.json' &&
        !(
          isPlainObject(parsed.value) &&
          (isPlainObject(parsed.value.experiment) || typeof parsed.value.status === 'string')
        )
      ) {
        assert.equal(r.runs.length, 0, label);
      } else {
        assert.equal(r.runs.length, 1, label);
      }
      for (const run of r.runs) for (const m of Object.values(run.metrics)) assert.ok(m.count >= 1, label);
    }
  });
});
