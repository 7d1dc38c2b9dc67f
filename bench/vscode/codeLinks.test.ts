import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunlensApi } from '../../src/extension';
import { ConfigLens } from '../../src/vscode/configLens';
import { CommitResolver } from '../../src/vscode/git/commitResolver';
import { benchRepoRuns, makeBenchRepo } from '../../test/helpers/gitRepo';

/**
 * Runs inside a real VS Code on the sample workspace (bench/main.ts, group "vscode", launches it): commit state
 * of 1,000 runs resolved through the git extension, with the longest stall of the extension host, against the
 * raw git commands answering the same questions; and a config hover against the same answer from SQL.
 * Writes the figures to RUNLENS_BENCH_OUT.
 */
describe('code links benchmark', function () {
  this.timeout(300_000);

  it('measures commit resolution for 1,000 runs and hover answers', async function () {
    const out = process.env.RUNLENS_BENCH_OUT;
    if (!out) this.skip();
    const api = (await vscode.extensions.getExtension<RunlensApi>('runlens.runlens')!.activate()) as RunlensApi;
    await api.service.ready;
    const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const dir = path.join(ws, 'bench_repo');
    const commits = makeBenchRepo(dir, 200);
    try {
      const runs = benchRepoRuns(commits, 1000, 'b');
      // Baseline: the git commands that answer "present locally? in HEAD? which commit before this time?" directly.
      const b0 = performance.now();
      const log = execFileSync('git', ['log', '--format=%H %ct', 'HEAD'], { cwd: dir, encoding: 'utf8' });
      const known = new Set(log.split('\n').map((l) => l.split(' ')[0]));
      const asked = runs.flatMap((r) => (r.git.commit && !known.has(r.git.commit) ? [r.git.commit] : []));
      execFileSync('git', ['cat-file', '--batch-check'], {
        cwd: dir,
        input: asked.join('\n') + '\n',
        encoding: 'utf8',
      });
      const gitFloorMs = performance.now() - b0;

      let maxStall = 0;
      let last = performance.now();
      const ticker = setInterval(() => {
        const now = performance.now();
        maxStall = Math.max(maxStall, now - last);
        last = now;
      }, 1);
      const emitter = new vscode.EventEmitter<unknown>();
      const channel = vscode.window.createOutputChannel('Runlens bench', { log: true });
      const t0 = performance.now();
      const resolver = new CommitResolver(
        { runs: () => runs, absPath: (r) => path.join(dir, r.path), filesOf: () => [], onDidChange: emitter.event },
        channel,
      );
      for (;;) {
        await resolver.whenIdle();
        if (resolver.lastPass?.resolved === 1000) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      const resolveMs = performance.now() - t0;
      clearInterval(ticker);
      const calls = resolver.totalGitCalls;
      resolver.dispose();
      emitter.dispose();
      channel.dispose();

      // Hover over a key of the sample's params.yaml, from memory, against the same answer from SQL.
      const uri = vscode.Uri.file(path.join(ws, 'params.yaml'));
      const doc = await vscode.workspace.openTextDocument(uri);
      const lens = new ConfigLens(api.service);
      const pos = new vscode.Position(1, 4);
      lens.provideHover(doc, pos);
      const h0 = performance.now();
      for (let i = 0; i < 50; i++) lens.provideHover(doc, pos);
      const hoverMs = (performance.now() - h0) / 50;
      lens.dispose();
      const store = api.service.index!;
      const q0 = performance.now();
      for (let i = 0; i < 50; i++)
        store.query(
          "SELECT r.name, p.value, m.min FROM params p JOIN runs r ON r.id = p.run_id LEFT JOIN metrics m ON m.run_id = r.id AND m.key LIKE '%loss%' WHERE p.key LIKE '%lr'",
        );
      const sqlMs = (performance.now() - q0) / 50;

      fs.writeFileSync(
        out!,
        JSON.stringify({ resolveMs, maxStallMs: maxStall, gitCalls: calls, gitFloorMs, hoverMs, sqlMs }),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
