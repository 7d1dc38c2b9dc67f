import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { RunlensApi } from '../../src/extension';
import { StallProbe } from '../../src/vscode/stallProbe';

/**
 * Runs inside a real VS Code on a big generated workspace (bench/main.ts, group "vscode", launches it): cold
 * activation to a populated tree, the longest event-loop stall of the extension host during that pass, and a
 * warm start from the snapshot. Writes the figures to RUNLENS_BENCH_OUT; asserts nothing but that they exist.
 */
describe('activation benchmark', function () {
  this.timeout(900_000);

  it('measures activation, stalls and warm start in the extension host', async function () {
    const out = process.env.RUNLENS_BENCH_OUT;
    if (!out) this.skip();
    const api = (await vscode.extensions.getExtension<RunlensApi>('runlens.runlens')!.activate()) as RunlensApi;
    await api.service.ready;
    const cold = { ...api.service.timeline };
    const pass = api.service.lastPass!;
    const treeRuns = api.tree.visibleRuns().length;
    await api.service.saveSnapshot();
    await api.service.start();
    const warm = { ...api.service.timeline };
    await api.service.ready;
    // Floor: the same probe in this extension host with Runlens idle (other extensions, the host's own traffic and a
    // busy machine stall it too), over as long as the pass took.
    const probe = new StallProbe();
    await new Promise((r) => setTimeout(r, Math.max(5000, pass.ms)));
    const idle = probe.stop();
    fs.writeFileSync(
      out!,
      JSON.stringify({
        runs: treeRuns,
        coldFirstRunsMs: cold.firstRunsAt! - cold.startedAt,
        coldIndexedMs: cold.indexedAt! - cold.startedAt,
        maxStallMs: pass.maxStallMs,
        maxStallAtMs: pass.maxStallAtMs,
        passMs: pass.ms,
        calmWaitMs: pass.calmWaitMs,
        maxBusyMs: pass.maxBusyMs,
        busyInLongestMs: pass.busyInLongestMs,
        idleStallMs: idle.maxStallMs,
        idleBusyMs: idle.maxBusyMs,
        gc: `${pass.maxGcMs} ms ${pass.maxGcKind}; idle ${idle.maxGcMs} ms ${idle.maxGcKind}`,
        idleMs: Math.max(5000, pass.ms),
        warmFirstRunsMs: warm.firstRunsAt! - warm.startedAt,
        warm: api.service.lastStart.warm,
      }),
    );
  });
});
