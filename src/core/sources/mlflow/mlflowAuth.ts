import type { SourceContext, SourceSecret } from '../sourceContext';
import { redactUri, SourceError } from '../sourceUri';
import { databricksWorkspace, isDatabricksUri, type DatabricksWorkspace } from './databricks';

/** Where an MLflow server is and how to sign in to it, resolved from the URI, SecretStorage and the environment. */
export interface MlflowTarget {
  /** The source's id (its URI, secrets removed). */
  id: string;
  /** The API root (http(s)://host[:port][/path]). */
  base: string;
  authorization?: string;
  authFrom?: string;
}

/**
 * Resolves `mlflow+http(s)://[user[:password]@]host[:port][/path]`, the bare `mlflow` (the server named by
 * MLFLOW_TRACKING_URI, else DATABRICKS_HOST), and `databricks` / `databricks://<profile>` (databricks.ts).
 * Credentials, first found wins: the URI's user info; a secret stored for the source; MLFLOW_TRACKING_USERNAME/
 * PASSWORD (MLflow's basic-auth app); MLFLOW_TRACKING_TOKEN; and, for a Databricks workspace, its token
 * (DATABRICKS_TOKEN for the DATABRICKS_HOST server, or the profile's). A password in the URI is allowed (CLI one-offs) but never shown.
 */
export async function resolveMlflowTarget(uri: string, ctx: SourceContext): Promise<MlflowTarget> {
  const env = ctx.env ?? process.env;
  const word = uri.trim();
  const tracking = env.MLFLOW_TRACKING_URI?.trim();
  const bare = word.toLowerCase() === 'mlflow';
  let http: string;
  let workspace: DatabricksWorkspace | undefined;
  if (isDatabricksUri(word) || (bare && (tracking ? isDatabricksUri(tracking) : !!env.DATABRICKS_HOST?.trim()))) {
    workspace = databricksWorkspace(isDatabricksUri(word) ? word : (tracking ?? 'databricks'), env);
    http = workspace.host;
  } else if (bare) {
    if (!tracking || !/^https?:\/\//i.test(tracking))
      throw new SourceError(
        'mlflow: the source "mlflow" needs MLFLOW_TRACKING_URI set to the server\'s http(s) URL (or to databricks, or DATABRICKS_HOST set)',
      );
    http = tracking;
  } else http = word.replace(/^mlflow\+/i, '');
  let url: URL;
  try {
    url = new URL(http);
  } catch {
    throw new SourceError(`${redactUri(uri)}: not a URL (expected mlflow+https://host[:port][/path])`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SourceError(`${redactUri(uri)}: an MLflow server is reached over http or https`);
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const base = url.toString().replace(/\/$/, '');
  const id = `mlflow+${redactUri(base)}`;
  const auth = credentials(base, user, password, await ctx.secret?.(id), env, workspace);
  return { id, base, ...auth };
}

function credentials(
  base: string,
  user: string,
  password: string,
  secret: SourceSecret | undefined,
  env: NodeJS.ProcessEnv,
  workspace: DatabricksWorkspace | undefined,
): { authorization?: string; authFrom?: string } {
  const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  if (user && password) return { authorization: basic(user, password), authFrom: 'the URI' };
  if (secret && 'token' in secret) return { authorization: `Bearer ${secret.token}`, authFrom: 'the stored secret' };
  if (secret) return { authorization: basic(secret.username, secret.password), authFrom: 'the stored secret' };
  const envUser = user || env.MLFLOW_TRACKING_USERNAME;
  if (envUser && env.MLFLOW_TRACKING_PASSWORD)
    return {
      authorization: basic(envUser, env.MLFLOW_TRACKING_PASSWORD),
      authFrom: 'MLFLOW_TRACKING_USERNAME/PASSWORD',
    };
  if (env.MLFLOW_TRACKING_TOKEN)
    return { authorization: `Bearer ${env.MLFLOW_TRACKING_TOKEN}`, authFrom: 'MLFLOW_TRACKING_TOKEN' };
  if (workspace?.token) return { authorization: `Bearer ${workspace.token}`, authFrom: workspace.from };
  const dbHost = env.DATABRICKS_HOST?.trim().replace(/\/$/, '');
  if (env.DATABRICKS_TOKEN && dbHost && sameOrigin(dbHost, base))
    return { authorization: `Bearer ${env.DATABRICKS_TOKEN}`, authFrom: 'DATABRICKS_TOKEN' };
  return {};
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a.includes('://') ? a : `https://${a}`).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
