import * as path from 'node:path';
import { mlflowServerPython, runPython, startMlflowServer } from '../test/helpers/mlflowServer';
import { makeTemp, rmTemp } from '../test/helpers/tmp';

/**
 * A real `mlflow server` on a SQLite database that one of bench/'s seed scripts fills (`<script> <db> <artifact
 * root> ...args`): `measure` gets its URL; then the server is stopped and its folder removed. Without the Python
 * environment the bench is skipped in one line.
 */
export async function withSeededServer(
  bench: string,
  seed: string,
  args: readonly string[],
  measure: (url: string) => Promise<void>,
): Promise<void> {
  const py = mlflowServerPython();
  if ('error' in py) {
    console.log(`${bench} bench skipped: no MLflow server environment (${py.error})`);
    return;
  }
  const dir = makeTemp('runlens-bench-mlflow-');
  try {
    const t0 = performance.now();
    const script = path.resolve(__dirname, '..', '..', 'bench', seed);
    await runPython(py.python, [script, path.join(dir, 'mlflow.db'), path.join(dir, 'artifacts'), ...args]);
    const server = await startMlflowServer(py.python, dir);
    console.log(
      `set-up: seeded (${args.join(' ')}) and the server started in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    try {
      await measure(server.url);
    } finally {
      await server.stop();
    }
  } finally {
    rmTemp(dir);
  }
}
