import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeReviewRepo } from '../../helpers/reviewRepo';
import { fencedDiff, HOSTILE_PATCH } from '../../helpers/hostilePatch';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { cli } from '../../helpers/runCli';

interface JsonReview {
  verdict: string;
  base: { ref: string; commit: string; runs: string[]; depth: number | null };
  head: { ref: string; commit: string; runs: string[] };
  metrics: Array<{
    name: string;
    summary: string;
    base: { mean: number; std: number | null; n: number };
    head: { mean: number; std: number | null; n: number };
    delta: number;
    deltaPct: number;
    threshold: string | null;
    verdict: string;
    beyondNoise: boolean | null;
  }>;
  params: Array<{ key: string; base: unknown[]; head: unknown[] }>;
  code: { files: number; insertions: number; deletions: number; changed: Array<{ path: string }> };
}

describe('runlens review (real git repositories)', function () {
  this.timeout(60_000);
  const temps: string[] = [];
  const repo = (spec: Parameters<typeof makeReviewRepo>[1]) => {
    const dir = makeTemp('runlens-review-');
    temps.push(dir);
    return makeReviewRepo(dir, spec);
  };
  after(() => temps.forEach(rmTemp));

  it('runs named with --run and --baseline-run are the two sides, each with the commit its runs share', async () => {
    const r = repo({ base: { valLoss: [0.52, 0.5, 0.51] }, head: { valLoss: [0.41, 0.4, 0.42] } });
    const all = JSON.parse((await cli(['review', r.dir, '--base', 'main', '--format', 'json'])).out) as JsonReview;
    const [h, b] = [all.head.runs[0]!, all.base.runs[1]!];
    const res = await cli(['review', r.dir, '--run', h, '--baseline-run', b, '--format', 'json']);
    assert.equal(res.code, 0, res.err);
    const j = JSON.parse(res.out) as JsonReview;
    assert.deepEqual([j.head.ref, j.head.runs, j.head.commit], ['runs', [h], r.head]);
    assert.deepEqual([j.base.ref, j.base.runs, j.base.commit], ['runs', [b], r.mergeBase]);
  });

  it('an improvement passes (exit 0) and the JSON carries the contract', async () => {
    const r = repo({
      base: { valLoss: [0.52, 0.5, 0.51], accuracy: [0.9, 0.91, 0.905] },
      head: { valLoss: [0.41, 0.4, 0.42], accuracy: [0.93, 0.935, 0.94] },
    });
    const res = await cli([
      'review',
      r.dir,
      '--base',
      'main',
      '--fail-on',
      'val_loss:+2%',
      '--fail-on',
      'val_accuracy:-0.5%',
      '--format',
      'json',
    ]);
    assert.equal(res.code, 0, res.err);
    const j = JSON.parse(res.out) as JsonReview;
    assert.equal(j.verdict, 'pass');
    assert.equal(j.base.commit, r.mergeBase);
    assert.equal(j.head.commit, r.head);
    assert.equal(j.base.runs.length, 3);
    assert.equal(j.head.runs.length, 3);
    const vl = j.metrics.find((m) => m.name === 'val_loss' && m.threshold !== null)!;
    assert.equal(vl.summary, 'last');
    assert.equal(vl.base.n, 3);
    assert.ok(Math.abs(vl.base.mean - 0.51) < 1e-12);
    assert.ok(Math.abs(vl.head.mean - 0.41) < 1e-12);
    assert.ok(Math.abs(vl.base.std! - 0.01) < 1e-12);
    assert.ok(Math.abs(vl.delta - -0.1) < 1e-12);
    assert.ok(Math.abs(vl.deltaPct - (-0.1 / 0.51) * 100) < 1e-9);
    assert.equal(vl.threshold, '+2%');
    assert.equal(vl.verdict, 'pass');
    assert.equal(vl.beyondNoise, true);
    assert.deepEqual(
      j.params.map((p) => p.key),
      ['activation', 'hidden'],
      'seed differs by design and is left out',
    );
    assert.deepEqual(
      j.params.find((p) => p.key === 'hidden'),
      { key: 'hidden', base: ['64'], head: ['128'] },
    );
    assert.equal(j.code.files, 2);
    assert.deepEqual(j.code.changed.map((f) => f.path).sort(), ['model.py', 'train.py']);
  });

  it('a regression fails with exit 1, and the Markdown says so', async () => {
    const r = repo({
      base: { valLoss: [0.4, 0.41, 0.42] },
      head: { valLoss: [0.5, 0.51, 0.52] },
      remote: 'git@github.com:ada/digits-mlp.git',
    });
    const res = await cli(['review', r.dir, '--base', 'main', '--fail-on', 'val_loss:+2%']);
    assert.equal(res.code, 1, res.err);
    assert.match(res.err, /failed \(val_loss\)/);
    const md = res.out;
    assert.ok(md.startsWith('<!-- runlens-review -->\n'));
    assert.match(
      md.split('\n')[1]!,
      new RegExp(
        `^### ❌ Runlens review: 1 of 1 gate failed · base \\[\`${r.mergeBase.slice(0, 7)}\`\\]\\(https://github.com/ada/digits-mlp/commit/${r.mergeBase}\\) → head \\[\`${r.head.slice(0, 7)}\`\\]`,
      ),
    );
    assert.match(
      md,
      /\| val_loss \| 0\.41 ± 0\.01 \(n=3\) \| 0\.51 ± 0\.01 \(n=3\) \| \+0\.1 \| \+24\.4% \| \+2% \| ❌ fail \| beyond noise \(p=/,
    );
    assert.match(md, /```mermaid\n[^`]*xychart-beta[^`]*line \[[^\]]+\]\n {2}line \[[^\]]+\]\n```/);
    assert.match(md, /\| val_loss \| digits-mlp \| [▁▂▃▄▅▆▇█]+ \| [▁▂▃▄▅▆▇█]+ \|/);
    assert.match(md, /#### Code: 2 files changed, \+\d+ −\d+/);
  });

  it('a delta inside the seed noise passes with --beyond-noise, and fails without it', async () => {
    const r = repo({ base: { valLoss: [0.4, 0.5, 0.6] }, head: { valLoss: [0.45, 0.55, 0.62] } });
    const plain = await cli(['review', r.dir, '--base', 'main', '--fail-on', 'val_loss:+2%', '--format', 'json']);
    assert.equal(plain.code, 1);
    const vl = (JSON.parse(plain.out) as JsonReview).metrics[0]!;
    assert.equal(vl.beyondNoise, false);
    const noisy = await cli([
      'review',
      r.dir,
      '--base',
      'main',
      '--fail-on',
      'val_loss:+2%',
      '--beyond-noise',
      '--format',
      'json',
    ]);
    assert.equal(noisy.code, 0, noisy.err);
    assert.equal((JSON.parse(noisy.out) as JsonReview).metrics[0]!.verdict, 'pass');
  });

  it('walks first-parent ancestors when the merge-base has no runs, and says how far', async () => {
    const r = repo({ base: { valLoss: [0.5] }, head: { valLoss: [0.45] }, commitsAfterBaseRuns: 2 });
    assert.notEqual(r.mergeBase, r.baseRuns);
    const res = await cli(['review', r.dir, '--base', 'main', '--format', 'json']);
    assert.equal(res.code, 0, res.err);
    const j = JSON.parse(res.out) as JsonReview & { base: { found: string } };
    assert.equal(j.base.commit, r.baseRuns);
    assert.equal(j.base.depth, 2);
    assert.match(j.base.found, /2 first-parent commit\(s\) back from the merge-base/);
    const shallow = await cli(['review', r.dir, '--base', 'main', '--max-depth', '1']);
    assert.equal(shallow.code, 3, 'not found within --max-depth 1');
  });

  it('reads committed run files (dvclive) from the base tree through git, without a checkout', async () => {
    const r = repo({ kind: 'dvclive', base: { valLoss: [0.5] }, head: { valLoss: [0.6] } });
    const before = fs.readFileSync(path.join(r.dir, 'dvclive/metrics.json'), 'utf8');
    const res = await cli(['review', r.dir, '--base', 'main', '--fail-on', 'val_loss:+0.05', '--format', 'json']);
    assert.equal(res.code, 1, res.err);
    const j = JSON.parse(res.out) as JsonReview;
    const vl = j.metrics[0]!;
    assert.equal(vl.base.mean, 0.5, 'the base value comes from the base commit, not the working tree');
    assert.equal(vl.head.mean, 0.6);
    assert.notEqual(j.base.runs[0], j.head.runs[0], 'runs read from two commits keep apart');
    assert.equal(
      fs.readFileSync(path.join(r.dir, 'dvclive/metrics.json'), 'utf8'),
      before,
      'the work tree is untouched',
    );
    assert.equal((await import('../../helpers/gitRepo')).git(r.dir, ['status', '--porcelain']), '');
  });

  it('runs that recorded no commit count only with --infer-commits (by start time)', async () => {
    const r = repo({ base: { valLoss: [0.5, 0.52] }, head: { valLoss: [0.45, 0.46], recordCommit: false } });
    const strict = await cli(['review', r.dir, '--base', 'main']);
    assert.equal(strict.code, 3);
    assert.match(strict.err, /no candidate runs/);
    const inferred = await cli(['review', r.dir, '--base', 'main', '--infer-commits', '--format', 'json']);
    assert.equal(inferred.code, 0, inferred.err);
    const j = JSON.parse(inferred.out) as JsonReview;
    assert.equal(j.head.runs.length, 2);
    assert.equal(j.base.runs.length, 2);
  });

  it('no baseline runs: exit 3 with a message saying where it looked', async () => {
    const r = repo({ base: { valLoss: [0.5] }, head: { valLoss: [0.45] }, noBaseRuns: true });
    const res = await cli(['review', r.dir, '--base', 'main']);
    assert.equal(res.code, 3);
    assert.match(
      res.err,
      /no baseline runs: no runs at the merge-base [0-9a-f]{7} of main or its 50 first-parent ancestors/,
    );
  });

  it('usage errors exit 2: a bad gate, a gate against the metric direction, an unknown ref, an unknown option', async () => {
    const r = repo({ base: { valLoss: [0.5] }, head: { valLoss: [0.45] } });
    for (const args of [
      ['--fail-on', 'val_loss'],
      ['--fail-on', 'val_loss:-2%'],
      ['--base', 'no-such-branch'],
      ['--frobnicate'],
    ]) {
      const res = await cli(['review', r.dir, ...args]);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.err}`);
    }
    const notRepo = makeTemp();
    temps.push(notRepo);
    assert.equal((await cli(['review', notRepo])).code, 4, 'not a git repository');
  });

  it('escapes hostile run names in the Markdown (no HTML, no live links, no control characters)', async () => {
    const hostile =
      '<img src=x onerror=alert(1)> [click](https://evil.example/x) www.evil.example \u001b[31mred | `code`';
    const r = repo({
      base: { valLoss: [0.5], firstName: hostile },
      head: { valLoss: [0.45], firstName: hostile, params: { note: hostile } },
    });
    const res = await cli(['review', r.dir, '--base', 'main']);
    assert.equal(res.code, 0, res.err);
    const md = res.out;
    assert.ok(!md.includes('<img'), 'no raw HTML');
    assert.ok(!md.includes('](https://evil'), 'no Markdown link');
    assert.ok(!md.includes('https://evil'), 'no bare URL left to autolink');
    assert.ok(!md.includes('www.evil'), 'no www autolink');
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f]/.test(md), 'no control characters');
    assert.match(md, /&lt;img src=x onerror=alert\(1\)&gt; \\\[click\\\]/);
  });

  it('shows the recorded uncommitted patch once for the runs that share it, hostile text fenced, capped', async () => {
    const long = HOSTILE_PATCH + '\n' + Array.from({ length: 100 }, (_, i) => `+extra ${i}`).join('\n');
    const r = repo({
      base: { valLoss: [0.5, 0.52] },
      head: { valLoss: [0.45, 0.46], tags: { 'mlflow.source.git.dirty': 'true', 'mlflow.source.git.diff': long } },
    });
    const res = await cli(['review', r.dir, '--base', 'main']);
    assert.equal(res.code, 0, res.err);
    const md = res.out;
    assert.match(md, /Uncommitted changes of mlp-seed0 \(head\), mlp-seed1 \(head\):/);
    assert.equal(md.split('```diff').length - 1, 1, 'one block for the two runs that recorded the same patch');
    const { fence, lines, after } = fencedDiff(md);
    assert.equal(fence, '`````');
    assert.equal(lines.length, 60, 'capped');
    assert.deepEqual(lines.slice(0, 4), HOSTILE_PATCH.split('\n').slice(0, 4));
    assert.match(after, /^\n_… \d+ more lines_/);
    assert.match(after, /_Runlens · ± is the std between seeds/, 'the comment goes on after the block');
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/.test(md), 'no control characters');
    const json = JSON.parse((await cli(['review', r.dir, '--base', 'main', '--format', 'json'])).out) as {
      dirty: Array<Record<string, unknown>>;
    };
    assert.deepEqual(Object.keys(json.dirty[0]!), ['side', 'id', 'name'], 'the JSON contract unchanged');
  });

  it('reads the gate from .runlens.yml; flags win over it', async () => {
    const r = repo({ base: { valLoss: [0.4] }, head: { valLoss: [0.5] } });
    fs.writeFileSync(path.join(r.dir, '.runlens.yml'), 'review:\n  base: main\n  failOn:\n    - val_loss:+2%\n');
    assert.equal((await cli(['review', r.dir])).code, 1);
    assert.equal((await cli(['review', r.dir, '--fail-on', 'val_loss:+50%'])).code, 0);
    fs.writeFileSync(path.join(r.dir, '.runlens.yml'), 'review:\n  failon: [val_loss:+2%]\n');
    const typo = await cli(['review', r.dir]);
    assert.equal(typo.code, 2);
    assert.match(typo.err, /unknown key review\.failon/);
  });

  it('--out writes review.md, review.json and an SVG per key metric', async () => {
    const r = repo({ base: { valLoss: [0.4, 0.42] }, head: { valLoss: [0.38, 0.39] } });
    const out = path.join(r.dir, '..', path.basename(r.dir) + '-out');
    temps.push(out);
    const res = await cli(['review', r.dir, '--base', 'main', '--fail-on', 'val_loss:+1%', '--out', out]);
    assert.equal(res.code, 0, res.err);
    assert.deepEqual(fs.readdirSync(out).sort(), ['01-val_loss.svg', 'review.json', 'review.md']);
    const svg = fs.readFileSync(path.join(out, '01-val_loss.svg'), 'utf8');
    assert.equal((svg.match(/<path d="M/g) ?? []).length, 2, 'one line per group: base and head');
  });
});
