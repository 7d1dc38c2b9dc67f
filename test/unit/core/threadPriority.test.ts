import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { threadNice } from '../../../src/core/threadPriority';

describe('lowerThreadPriority', () => {
  it('makes the calling worker thread nicer, not the process (Linux)', async function () {
    if (process.platform !== 'linux') this.skip();
    const modulePath = path.join(__dirname, '../../../src/core/threadPriority.js');
    const before = threadNice();
    const answer = await new Promise<[number | undefined, boolean, number | undefined]>((resolve, reject) => {
      const w = new Worker(
        `const t = require(${JSON.stringify(modulePath)}); const b = t.threadNice(); const ok = t.lowerThreadPriority(); require('node:worker_threads').parentPort.postMessage([b, ok, t.threadNice()]);`,
        { eval: true },
      );
      w.once('message', (m) => {
        resolve(m);
        void w.terminate();
      });
      w.once('error', reject);
    });
    assert.equal(answer[1], (answer[0] ?? 0) <= 10);
    // nice 10 (below normal); a process already nicer than that is left as it is (raising needs privileges)
    if ((answer[0] ?? 0) < 10) assert.equal(answer[2], 10);
    assert.equal(threadNice(), before, 'the calling (main) thread keeps its priority');
  });
});
