import assert from 'node:assert/strict';
import * as os from 'node:os';
import { allRunNodes, runlens, waitFor } from './helpers';

// Nothing may assume the UI and the extension host share a machine (Remote-SSH, WSL, dev containers, Codespaces).
// Run with RUNLENS_REMOTE_SHAPED=1 (npm run test:remote-shaped) this suite runs in an extension host whose network
// namespace is not the browser's; run plainly it checks the same things on one machine.
describe('remote-shaped host', function () {
  this.timeout(90_000);

  it('runs the extension host where the workbench URL points, not on the browser’s loopback', function () {
    if (process.env.RUNLENS_REMOTE_SHAPED !== '1') this.skip();
    const addresses = Object.values(os.networkInterfaces())
      .flat()
      .map((a) => a?.address);
    assert.ok(
      addresses.some((a) => a?.startsWith('10.213.')),
      `the extension host's interfaces: ${addresses.join(', ')}`,
    );
  });

  it('fills the tree', async () => {
    const api = await runlens();
    const runs = api.service.index!.runs();
    assert.ok(runs.length > 5, `${runs.length} runs`);
    assert.equal(allRunNodes(api).length, runs.length);
  });

  it('opens the compare view, whose page loads its script through asWebviewUri and talks back', async () => {
    const api = await runlens();
    const panels = api.compare()!;
    const ids = api.service
      .index!.runs()
      .filter((r) => Object.keys(r.metrics).length > 0)
      .slice(0, 2)
      .map((r) => r.id);
    assert.equal(ids.length, 2);
    panels.open(ids);
    const panel = await waitFor('the compare panel', () =>
      panels.list().find((p) => ids.every((id) => p.runIds.includes(id))),
    );
    // 'ready' is posted by dist/webview.js once it runs in the browser: the script came through the webview's
    // resource URI (the CSP allows nothing else) and its message crossed back to this extension host.
    await waitFor('the page to say ready', () => panel.heard.has('ready'), 60_000);
    const html = panel.panel.webview.html;
    assert.doesNotMatch(html, /localhost|127\.0\.0\.1|file:/i);
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.ok(csp.includes(panel.panel.webview.cspSource), csp);
    panel.panel.dispose();
  });
});
