import * as assert from 'node:assert/strict';
import { untilCalm } from '../../src/vscode/untilCalm';

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('untilCalm', () => {
  it('resolves after the quiet period on an idle event loop', async () => {
    const c = await untilCalm({ quietMs: 100, lateMs: 15, maxWaitMs: 2000 });
    assert.equal(c.calm, true);
    assert.ok(c.waitedMs >= 100 && c.waitedMs < 400, `waited ${c.waitedMs} ms`);
  });

  it('starts the quiet period again after a late timer', async () => {
    const blocked = setTimeout(() => spin(60), 50);
    const c = await untilCalm({ quietMs: 100, lateMs: 15, maxWaitMs: 2000 });
    clearTimeout(blocked);
    assert.equal(c.calm, true);
    assert.ok(c.worstLateMs >= 40, `worst late ${c.worstLateMs} ms`);
    // 50 ms, the 60 ms block, then 100 quiet ms
    assert.ok(c.waitedMs >= 200, `waited ${c.waitedMs} ms`);
  });

  it('gives up after maxWaitMs when the loop never calms down', async () => {
    const busy = setInterval(() => spin(30), 40);
    const c = await untilCalm({ quietMs: 100, lateMs: 15, maxWaitMs: 300 });
    clearInterval(busy);
    assert.equal(c.calm, false);
    assert.ok(c.waitedMs >= 300 && c.waitedMs < 700, `waited ${c.waitedMs} ms`);
  });
});
