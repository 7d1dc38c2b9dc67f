import * as assert from 'node:assert/strict';
import { StallProbe } from '../../src/vscode/stallProbe';

describe('StallProbe', () => {
  it('measures a block of the event loop, and the time the thread ran code in it', async () => {
    const probe = new StallProbe();
    await new Promise((r) => setTimeout(r, 20));
    const end = performance.now() + 40;
    let spins = 0;
    while (performance.now() < end) spins++;
    await new Promise((r) => setTimeout(r, 20));
    const s = probe.stop();
    assert.ok(spins > 0);
    assert.ok(s.maxStallMs >= 38 && s.maxStallMs < 1000, `stall ${s.maxStallMs} ms`);
    // the block ended ~60 ms after the probe started (20 ms wait + 40 ms spin)
    assert.ok(s.maxStallAtMs >= 58 && s.maxStallAtMs < 1000, `stall at ${s.maxStallAtMs} ms`);
    if (process.platform === 'linux') {
      // the spin ran on a CPU for most of the 40 ms, unless this machine is very busy
      assert.ok(
        s.busyInLongestMs > 10 && s.busyInLongestMs <= s.maxStallMs + 2,
        `busy ${s.busyInLongestMs} of ${s.maxStallMs} ms`,
      );
      assert.ok(s.maxBusyMs >= s.busyInLongestMs);
    } else assert.ok(Number.isNaN(s.maxBusyMs));
  });

  it('reads small figures when nothing blocks', async () => {
    const probe = new StallProbe();
    await new Promise((r) => setTimeout(r, 50));
    const s = probe.stop();
    assert.ok(s.maxStallMs < 30, `stall ${s.maxStallMs} ms while idle`);
    if (process.platform === 'linux') assert.ok(s.maxBusyMs < 15, `busy ${s.maxBusyMs} ms while idle`);
  });
});
