import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { startGithubStandIn, type StandIn } from '../../helpers/githubStandIn';
import { makeReviewRepo, type ReviewRepoSpec } from '../../helpers/reviewRepo';
import { makeTemp, rmTemp } from '../../helpers/tmp';

const ROOT = path.resolve(__dirname, '../../../..');
const TOKEN = 'ghs_standin_token';

interface ActionYaml {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: {
    using: string;
    steps: Array<{ name: string; id?: string; shell: string; env?: Record<string, string>; run: string; if?: string }>;
  };
}

interface ActionRun {
  /** Name of the step that failed, if one did. */
  failed: string | undefined;
  outputs: Record<string, string>;
  summary: string;
  log: string;
}

/**
 * Runs action.yml's composite steps as the runner does, up to and including the `gh` calls: `${{ }}` expressions
 * expanded from the inputs, the event and earlier steps' outputs (an unknown one is an error), GITHUB_OUTPUT,
 * GITHUB_ENV and GITHUB_STEP_SUMMARY files, each step in `bash -e`. gh talks to the local stand-in over HTTPS.
 */
async function runAction(
  workspace: string,
  temp: string,
  standIn: StandIn,
  inputs: Record<string, string>,
  prNumber: string,
): Promise<ActionRun> {
  const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYaml;
  assert.equal(action.runs.using, 'composite');
  const ctx = new Map<string, string>([
    ['github.action_path', ROOT],
    ['github.token', TOKEN],
    ['github.event.pull_request.number', prNumber],
  ]);
  const expand = (text: string): string =>
    text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
      const v = ctx.get(expr);
      if (v === undefined) throw new Error(`action.yml: unknown expression ${expr}`);
      return v;
    });
  for (const [name, spec] of Object.entries(action.inputs))
    ctx.set(`inputs.${name}`, expand(inputs[name] ?? spec.default ?? ''));
  const summary = path.join(temp, 'summary.md');
  const githubEnv = path.join(temp, 'github_env');
  fs.writeFileSync(summary, '');
  fs.writeFileSync(githubEnv, '');
  let log = '';
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: temp,
    RUNNER_TEMP: path.join(temp, 'runner'),
    GITHUB_REPOSITORY: 'ada/digits-mlp',
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_ENV: githubEnv,
    // The stand-in: gh calls https://<GH_HOST>/api/v3/… with GH_ENTERPRISE_TOKEN for hosts other than github.com.
    GH_HOST: standIn.host,
    SSL_CERT_FILE: standIn.certFile,
    GH_CONFIG_DIR: path.join(temp, 'gh'),
    GH_PROMPT_DISABLED: '1',
    NO_COLOR: '1',
  };
  fs.mkdirSync(base.RUNNER_TEMP!, { recursive: true });
  for (const step of action.runs.steps) {
    assert.equal(step.shell, 'bash');
    assert.equal(step.if, undefined, 'conditions live in the scripts, where they are tested');
    const output = path.join(temp, `output-${step.id ?? 'x'}`);
    fs.writeFileSync(output, '');
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v))]));
    const fromGithubEnv = Object.fromEntries(
      fs
        .readFileSync(githubEnv, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const env = {
      ...base,
      ...fromGithubEnv,
      ...stepEnv,
      GITHUB_OUTPUT: output,
      GH_ENTERPRISE_TOKEN: stepEnv.GH_TOKEN ?? '',
    };
    const code = await new Promise<number>((resolve) => {
      execFile(
        'bash',
        ['-e', '-c', expand(step.run)],
        { cwd: workspace, env, encoding: 'utf8' },
        (err, stdout, stderr) => {
          log += `## ${step.name}\n${stdout}${stderr}`;
          resolve(err ? Number(err.code ?? 1) : 0);
        },
      );
    });
    if (step.id)
      for (const l of fs.readFileSync(output, 'utf8').split('\n').filter(Boolean))
        ctx.set(`steps.${step.id}.outputs.${l.slice(0, l.indexOf('='))}`, l.slice(l.indexOf('=') + 1));
    if (code !== 0)
      return { failed: step.name, outputs: outputsOf(action, expand), summary: fs.readFileSync(summary, 'utf8'), log };
  }
  return { failed: undefined, outputs: outputsOf(action, expand), summary: fs.readFileSync(summary, 'utf8'), log };
}

function outputsOf(action: ActionYaml, expand: (t: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(action.outputs)) {
    try {
      out[k] = expand(v.value);
    } catch {
      // not set: the step that sets it did not run
    }
  }
  return out;
}

const hasGh = (() => {
  try {
    execFileSync('gh', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('GitHub Action (action.yml) against a local stand-in for GitHub’s REST API', function () {
  this.timeout(120_000);
  let temp: string;
  let standIn: StandIn;
  const repos: string[] = [];
  const repo = (spec: ReviewRepoSpec): string => {
    const dir = makeTemp('runlens-action-');
    repos.push(dir);
    return makeReviewRepo(dir, spec).dir;
  };
  before(async function () {
    if (!hasGh) this.skip(); // needs the gh CLI (preinstalled on GitHub's runners; apt-get install gh here)
    if (!fs.existsSync(path.join(ROOT, 'dist/cli.js'))) throw new Error('build first: node scripts/build.mjs');
    temp = makeTemp('runlens-action-run-');
    standIn = await startGithubStandIn(temp, TOKEN);
  });
  after(async () => {
    await standIn?.close();
    if (temp) rmTemp(temp);
    repos.forEach(rmTemp);
  });

  it('a regression: summary written, one sticky comment created then updated, verdict output, the step fails', async () => {
    const ws = repo({ base: { valLoss: [0.4, 0.41] }, head: { valLoss: [0.5, 0.52] } });
    standIn.comments.set('ada/digits-mlp#7', [
      { id: 1, body: 'LGTM' },
      { id: 2, body: 'a question' },
      { id: 3, body: 'another' },
    ]);
    const first = await runAction(
      ws,
      temp,
      standIn,
      { base: 'main', 'fail-on': 'val_loss:+2%\n\n  val_loss.min:+5%  \n' },
      '7',
    );
    assert.equal(first.failed, 'Gate', first.log);
    assert.deepEqual(first.outputs, { verdict: 'fail', 'exit-code': '1' });
    assert.match(first.summary, /^<!-- runlens-review -->\n### ❌ Runlens review: 2 of 2 gates failed/);
    const after1 = standIn.comments.get('ada/digits-mlp#7')!;
    assert.equal(after1.length, 4);
    assert.equal(after1[3]!.body.trim(), first.summary.trim());
    assert.ok(standIn.requests.every((r) => r.auth === `token ${TOKEN}`));

    standIn.requests.length = 0;
    const second = await runAction(ws, temp, standIn, { base: 'main', 'fail-on': 'val_loss:+50%' }, '7');
    assert.equal(second.failed, undefined, second.log);
    assert.equal(second.outputs.verdict, 'pass');
    const after2 = standIn.comments.get('ada/digits-mlp#7')!;
    assert.equal(after2.length, 4, 'updated, not added');
    assert.match(after2[3]!.body, /### ✅ Runlens review: 1 gate passed/);
    assert.deepEqual(
      standIn.requests.map((r) => `${r.method} ${r.path}`),
      [
        'GET /api/v3/repos/ada/digits-mlp/issues/7/comments?per_page=100',
        'GET /api/v3/repos/ada/digits-mlp/issues/7/comments?per_page=100&page=2',
        `PATCH /api/v3/repos/ada/digits-mlp/issues/comments/${after2[3]!.id}`,
      ],
    );
  });

  it('comment off, or not a pull request: no request to GitHub; a pass passes', async () => {
    const ws = repo({ base: { valLoss: [0.5] }, head: { valLoss: [0.45] } });
    standIn.requests.length = 0;
    const off = await runAction(ws, temp, standIn, { base: 'main', 'fail-on': 'val_loss:+2%', comment: 'false' }, '8');
    const push = await runAction(ws, temp, standIn, { base: 'main', 'fail-on': 'val_loss:+2%' }, '');
    assert.equal(off.failed, undefined, off.log);
    assert.equal(push.failed, undefined, push.log);
    assert.equal(push.outputs.verdict, 'pass');
    assert.deepEqual(standIn.requests, []);
  });

  it('no baseline runs: verdict no-runs, a comment saying why, the step fails', async () => {
    const ws = repo({ base: { valLoss: [0.5] }, head: { valLoss: [0.45] }, noBaseRuns: true });
    const r = await runAction(ws, temp, standIn, { base: 'main' }, '9');
    assert.equal(r.failed, 'Gate');
    assert.deepEqual(r.outputs, { verdict: 'no-runs', 'exit-code': '3' });
    const [c] = standIn.comments.get('ada/digits-mlp#9')!;
    assert.match(
      c!.body,
      /^<!-- runlens-review -->\n### ⚠️ Runlens review: could not compare \(no-runs, exit 3\)\n\n```text\nrunlens review: no baseline runs: /,
    );
  });
});
