import type { RemoteSource } from './remoteSource';
import { schemeOf, SourceError } from './sourceUri';
import { openMlflowServer } from './mlflow/mlflowServer';

/** What every source factory may use: secrets found elsewhere than the URI, and the environment. */
export interface SourceContext {
  /** Secrets typed by the user (VS Code's SecretStorage), by the source's redacted URI. */
  secret?: (id: string) => Promise<SourceSecret | undefined>;
  /** The environment to read MLFLOW_TRACKING_* / DATABRICKS_* from (process.env by default). */
  env?: NodeJS.ProcessEnv;
}

/** A user name and password (HTTP Basic), or a bearer token. */
export type SourceSecret = { username: string; password: string } | { token: string };

export type SourceFactory = (uri: string, ctx: SourceContext) => Promise<RemoteSource>;

/**
 * Source factories by URI scheme. A new kind of source is one line here (e.g. `ssh: openSshSource`); the bare word
 * `mlflow` stands for the server the standard MLflow / Databricks environment variables name.
 */
export const SOURCE_FACTORIES: Record<string, SourceFactory> = {
  mlflow: openMlflowServer,
  'mlflow+http': openMlflowServer,
  'mlflow+https': openMlflowServer,
};

/** Opens the source a URI names; rejects with SourceError for a scheme no factory serves or a malformed URI. */
export async function openSource(uri: string, ctx: SourceContext = {}): Promise<RemoteSource> {
  const scheme = schemeOf(uri) ?? uri.trim().toLowerCase();
  const factory = Object.hasOwn(SOURCE_FACTORIES, scheme) ? SOURCE_FACTORIES[scheme] : undefined;
  if (!factory)
    throw new SourceError(
      `${uri}: unknown kind of source (known: ${Object.keys(SOURCE_FACTORIES)
        .map((s) => (s === 'mlflow' ? 'mlflow' : `${s}://`))
        .join(', ')})`,
    );
  return factory(uri, ctx);
}
