import type { RemoteSource } from './remoteSource';
import type { SourceContext } from './sourceContext';

export type { SourceContext, SourceSecret } from './sourceContext';
import { schemeOf, SourceError } from './sourceUri';
import { openMlflowServer } from './mlflow/mlflowServer';
import { openSshSource } from './ssh/openSshSource';

export type SourceFactory = (uri: string, ctx: SourceContext) => Promise<RemoteSource>;

/**
 * Source factories by URI scheme. A new kind of source is one line here; the bare word
 * `mlflow` stands for the server the standard MLflow / Databricks environment variables name.
 */
export const SOURCE_FACTORIES: Record<string, SourceFactory> = {
  mlflow: openMlflowServer,
  'mlflow+http': openMlflowServer,
  'mlflow+https': openMlflowServer,
  databricks: openMlflowServer,
  ssh: openSshSource,
};

/** Opens the source a URI names; rejects with SourceError for a scheme no factory serves or a malformed URI. */
export async function openSource(uri: string, ctx: SourceContext = {}): Promise<RemoteSource> {
  const scheme = schemeOf(uri) ?? uri.trim().toLowerCase();
  const factory = Object.hasOwn(SOURCE_FACTORIES, scheme) ? SOURCE_FACTORIES[scheme] : undefined;
  if (!factory)
    throw new SourceError(
      `${uri}: unknown kind of source (known: ${Object.keys(SOURCE_FACTORIES)
        .map((s) => (s === 'mlflow' || s === 'databricks' ? s : `${s}://`))
        .join(', ')})`,
    );
  return factory(uri, ctx);
}
