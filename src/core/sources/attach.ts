import type { WorkspaceIndex } from '../index';
import { openSource, type SourceContext } from './registry';

/**
 * Opens the sources named by `uris` (--source, runlens.sources), hands them to the index and reads them once.
 * A URI no factory serves rejects (SourceError: the user typed it, they should hear at once); a source that cannot
 * be reached does not: its problem is among the index's diagnostics and the workspace's runs are all there.
 */
export async function attachSources(
  index: WorkspaceIndex,
  uris: readonly string[] | undefined,
  ctx: SourceContext = {},
): Promise<void> {
  if (!uris?.length) return;
  const sources = await Promise.all(uris.map((u) => openSource(u, ctx)));
  await index.setSources(sources);
  await index.refreshSources();
}
