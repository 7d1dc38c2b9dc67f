// Apart from the registry so that the sources' modules take these types without importing the registry (a circle).

/** What every source factory may use: secrets found elsewhere than the URI, and the environment. */
export interface SourceContext {
  /** Secrets typed by the user (VS Code's SecretStorage), by the source's redacted URI. */
  secret?: (id: string) => Promise<SourceSecret | undefined>;
  /** The environment to read MLFLOW_TRACKING_* / DATABRICKS_* from (process.env by default). */
  env?: NodeJS.ProcessEnv;
}

/** A user name and password (HTTP Basic), or a bearer token. */
export type SourceSecret = { username: string; password: string } | { token: string };
