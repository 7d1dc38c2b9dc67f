import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { hydraReader } from '../../../src/core/readers/hydra';
import { boundedScan, damage, seededRandom } from '../../helpers/fuzz';
import { hydraNode, omegaYaml } from '../../helpers/writers/hydra';

describe('hydra reader under damaged input', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-hydra-fuzz-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const config = {
    model: { name: 'resnet', depth: 50, dims: [64, 128, 256], ref: '${model.depth}', missing: '???' },
    optim: { lr: 0.001, betas: [0.9, 0.999], nesterov: true, sched: null },
    text: "it's: a 'quoted' # value",
  };
  const files: Record<string, Buffer> = {
    'config.yaml': Buffer.from(omegaYaml(config)),
    'hydra.yaml': Buffer.from(
      omegaYaml(hydraNode({ config, overrides: ['model.depth=50', "text='a,b'"], num: 3, mode: 'MULTIRUN' })),
    ),
    'overrides.yaml': Buffer.from(omegaYaml(['model.depth=50', "text='a,b'", '+extra=1'])),
  };
  const names = Object.keys(files);

  it('never throws on damaged config, hydra or overrides YAML, and diagnoses what does not parse', async () => {
    const rand = seededRandom(0x4d4a);
    for (let i = 0; i < 200; i++) {
      const target = names[Math.floor(rand() * names.length)]!;
      const other = files[names[Math.floor(rand() * names.length)]!]!;
      const { bytes, how } = damage(files[target]!, other, rand);
      const meta = path.join(root, `case${i}`, 'job', '.hydra');
      fs.mkdirSync(meta, { recursive: true });
      for (const n of names) fs.writeFileSync(path.join(meta, n), n === target ? bytes : files[n]!);
      const r = await boundedScan(path.join(root, `case${i}`), { readers: [hydraReader] });
      const label = `${target} ${how}`;
      assert.equal(r.runs.length, 1, label);
      const doc = parseDocument(Buffer.from(bytes).toString('utf8'), { prettyErrors: false, uniqueKeys: false });
      if (doc.errors.length > 0) {
        assert.ok(
          r.diagnostics.some((d) => d.path === `job/.hydra/${target}`),
          `no diagnostic: ${label}`,
        );
      }
    }
  });

  it('survives an alias bomb within the bound', async () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 30; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const meta = path.join(root, 'job', '.hydra');
    fs.mkdirSync(meta, { recursive: true });
    fs.writeFileSync(path.join(meta, 'config.yaml'), lines.join('\n') + '\n');
    const r = await boundedScan(root, { readers: [hydraReader] });
    assert.equal(r.runs.length, 1);
    assert.deepEqual(r.runs[0]!.params, {});
    assert.equal(r.diagnostics.length, 1);
    assert.match(r.diagnostics[0]!.message, /^hydra: YAML error: /);
  });
});
