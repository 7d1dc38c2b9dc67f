import assert from 'node:assert/strict';
import * as path from 'node:path';
import { resolveMlflowTarget } from '../../../src/core/sources/mlflow/mlflowAuth';
import { MlflowServerSource, type MlflowServerOptions } from '../../../src/core/sources/mlflow/mlflowServer';
import { ADMIN, mlflowServerPython, runPython, startMlflowServer } from '../../helpers/mlflowServer';
import { makeTemp, rmTemp } from '../../helpers/tmp';

/** The MLflow server source against a REAL `mlflow server --app-name basic-auth`. Skipped in one line without Python. */
const WRITER = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'python', 'writers', 'mlflow_server_runs.py');
const FAST: MlflowServerOptions = { runsPage: 2, historyPage: 1000, http: { attempts: 2, backoffMs: 50 } };

async function source(url: string, env: NodeJS.ProcessEnv): Promise<MlflowServerSource> {
  return new MlflowServerSource(await resolveMlflowTarget(`mlflow+${url}`, { env }), FAST);
}

describe('MLflow tracking server source with basic auth (a real mlflow server)', function () {
  this.timeout(15 * 60_000);
  let python = '';

  before(function () {
    const py = mlflowServerPython();
    if ('error' in py) {
      this.test!.parent!.tests[0]!.title = `skipped: no MLflow server environment (${py.error})`;
      return this.skip();
    }
    python = py.python;
  });

  it('an MLflow basic-auth server: the right password reads the runs, a wrong one is a clear 401', async () => {
    const dir = makeTemp('runlens-mlflow-auth-');
    const auth = await startMlflowServer(python, dir, { basicAuth: true });
    try {
      const env = { MLFLOW_TRACKING_USERNAME: ADMIN.username, MLFLOW_TRACKING_PASSWORD: ADMIN.password };
      await runPython(python, [WRITER, auth.url, path.join(dir, 'expected.json')], env);
      const good = await source(auth.url, env);
      assert.equal((await good.refresh()).runs.length, 5);
      const bad = await source(auth.url, { ...env, MLFLOW_TRACKING_PASSWORD: 'wrong' });
      await assert.rejects(
        bad.refresh(),
        /401 Unauthorized — the credentials from MLFLOW_TRACKING_USERNAME\/PASSWORD were refused/,
      );
      const none = await source(auth.url, {});
      await assert.rejects(none.refresh(), /401 Unauthorized — the server asks for credentials/);
    } finally {
      await auth.stop();
      rmTemp(dir);
    }
  });
});
