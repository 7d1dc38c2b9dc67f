import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveMlflowTarget } from '../../../src/core/sources/mlflow/mlflowAuth';
import { openSource } from '../../../src/core/sources/registry';
import { freePort } from '../../helpers/mlflowServer';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { enabledSources, redactUri, schemeOf, SourceError } from '../../../src/core/sources/sourceUri';

describe('source URIs: the setting, ids without secrets, MLflow credentials', () => {
  it('reads runlens.sources: strings and { uri, enabled }, switched-off and malformed entries left out', () => {
    assert.deepEqual(
      enabledSources([
        'mlflow+http://a:5000',
        { uri: 'mlflow+http://b:5000', enabled: false },
        { uri: 'mlflow+http://c:5000' },
        '  ',
        42,
        'mlflow+http://a:5000',
      ]),
      {
        uris: ['mlflow+http://a:5000', 'mlflow+http://c:5000'],
        problems: ['runlens.sources: 42 is neither a URI nor { "uri": … }'],
      },
    );
    assert.deepEqual(enabledSources('mlflow'), { uris: [], problems: ['runlens.sources must be a list of URIs'] });
    assert.deepEqual(enabledSources(undefined), { uris: [], problems: [] });
  });

  it('removes passwords and secret-like query values from ids', () => {
    assert.equal(
      redactUri('mlflow+https://me:hunter2@host:5000/ml/?token=x&exp=1'),
      'mlflow+https://host:5000/ml/?exp=1',
    );
    assert.equal(schemeOf('MLflow+HTTPS://host'), 'mlflow+https');
    assert.equal(schemeOf('mlflow'), undefined);
  });

  it('takes credentials from the URI, then the stored secret, then MLFLOW_TRACKING_*, then DATABRICKS_TOKEN', async () => {
    const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    const env = { MLFLOW_TRACKING_USERNAME: 'eve', MLFLOW_TRACKING_PASSWORD: 'pw', MLFLOW_TRACKING_TOKEN: 'tok' };
    const fromUri = await resolveMlflowTarget('mlflow+http://bob:s%40cret@h:5000/', { env });
    assert.deepEqual(fromUri, {
      id: 'mlflow+http://h:5000',
      base: 'http://h:5000',
      authorization: basic('bob', 's@cret'),
      authFrom: 'the URI',
    });
    const secret = await resolveMlflowTarget('mlflow+http://h:5000', {
      env,
      secret: async (id) => (id === 'mlflow+http://h:5000' ? { token: 'stored' } : undefined),
    });
    assert.equal(secret.authorization, 'Bearer stored');
    assert.equal((await resolveMlflowTarget('mlflow+http://h:5000', { env })).authorization, basic('eve', 'pw'));
    assert.equal(
      (await resolveMlflowTarget('mlflow+http://h:5000', { env: { MLFLOW_TRACKING_TOKEN: 'tok' } })).authorization,
      'Bearer tok',
    );
    const db = { DATABRICKS_HOST: 'https://x.cloud.databricks.com', DATABRICKS_TOKEN: 'dapi1' };
    const workspace = await resolveMlflowTarget('mlflow', { env: db });
    assert.deepEqual(
      [workspace.id, workspace.authorization],
      ['mlflow+https://x.cloud.databricks.com', 'Bearer dapi1'],
    );
    assert.equal((await resolveMlflowTarget('mlflow+https://other.example.com', { env: db })).authorization, undefined);
    await assert.rejects(resolveMlflowTarget('mlflow', { env: {} }), /needs MLFLOW_TRACKING_URI/);
  });

  it('finds a Databricks workspace as MLflow does: DATABRICKS_HOST/TOKEN, or a profile of the CLI config file', async () => {
    const env = { DATABRICKS_HOST: 'adb-1.azuredatabricks.net/', DATABRICKS_TOKEN: 'dapi-env' };
    for (const uri of ['databricks', 'databricks://'])
      assert.deepEqual(await resolveMlflowTarget(uri, { env }), {
        id: 'mlflow+https://adb-1.azuredatabricks.net',
        base: 'https://adb-1.azuredatabricks.net',
        authorization: 'Bearer dapi-env',
        authFrom: 'DATABRICKS_HOST/DATABRICKS_TOKEN',
      });
    const viaTracking = await resolveMlflowTarget('mlflow', { env: { ...env, MLFLOW_TRACKING_URI: 'databricks' } });
    assert.equal(viaTracking.base, 'https://adb-1.azuredatabricks.net');
    const dir = makeTemp('runlens-databrickscfg-');
    try {
      const cfg = path.join(dir, 'databrickscfg');
      fs.writeFileSync(
        cfg,
        '[DEFAULT]\nhost = https://default.cloud.databricks.com\ntoken = dapi-default\n\n# CI\n[ci]\nhost=https://ci.cloud.databricks.com/\ntoken= dapi-ci\n',
      );
      const fileEnv = { DATABRICKS_CONFIG_FILE: cfg };
      const ci = await resolveMlflowTarget('databricks://ci', { env: fileEnv });
      assert.deepEqual(
        [ci.id, ci.authorization, ci.authFrom],
        ['mlflow+https://ci.cloud.databricks.com', 'Bearer dapi-ci', `the profile ci of ${cfg}`],
      );
      assert.equal((await resolveMlflowTarget('databricks', { env: fileEnv })).authorization, 'Bearer dapi-default');
      await assert.rejects(
        resolveMlflowTarget('databricks://prod', { env: fileEnv }),
        /has no profile prod with a host/,
      );
      await assert.rejects(
        resolveMlflowTarget('databricks', { env: { DATABRICKS_CONFIG_FILE: path.join(dir, 'none') } }),
        /set DATABRICKS_HOST and DATABRICKS_TOKEN, or write the profile DEFAULT/,
      );
      assert.equal(
        (await openSource('databricks://ci', { env: fileEnv })).id,
        'mlflow+https://ci.cloud.databricks.com',
      );
    } finally {
      rmTemp(dir);
    }
  });

  it('opens a source by scheme, and names the known ones for an unknown scheme', async () => {
    const s = await openSource('mlflow+http://127.0.0.1:1', { env: {} });
    assert.deepEqual([s.kind, s.id], ['mlflow', 'mlflow+http://127.0.0.1:1']);
    s.dispose();
    const ssh = await openSource('ssh://alice@gpu-box:2222/~/runs?command=node%20cli.js');
    assert.deepEqual(
      [ssh.kind, ssh.id],
      ['ssh', 'ssh://alice@gpu-box:2222/~/runs'],
      'the query is options, not the id',
    );
    ssh.dispose();
    await assert.rejects(openSource('ssh://-oProxyCommand=x/runs'), SourceError);
    await assert.rejects(
      openSource('ftp://host/runs'),
      /unknown kind of source \(known: mlflow, mlflow\+http:\/\/, mlflow\+https:\/\/, databricks, ssh:\/\/\)/,
    );
  });

  it('an unreachable server rejects with a clear message after its retries', async function () {
    this.timeout(20_000); // four attempts, 250 + 500 + 1000 ms of back-off between them
    const port = await freePort(); // nothing listens there once freed
    const s = await openSource(`mlflow+http://127.0.0.1:${port}`, { env: {} });
    await assert.rejects(s.refresh(), /experiments\/search failed after 4 attempts: cannot connect \(ECONNREFUSED\)/);
    s.dispose();
  });
});
