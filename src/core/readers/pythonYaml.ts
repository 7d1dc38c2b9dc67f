import { isScalar, visit, type Document, type YAMLWarning } from 'yaml';

/** PyYAML's full-dumper tags (`!!python/name:…`, `!!python/object:…`, `!!python/tuple`) as the `yaml` package sees them. */
const PYTHON_TAG = 'tag:yaml.org,2002:python/';
/** Tags whose suffix names a Python object: `name:`, `module:`, `object:`, `object/new:`, `object/apply:`. */
const NAMED = /^(?:name|module|object|object\/new|object\/apply):(.+)$/;

/**
 * Gives PyYAML's python tags a value, in place. Lightning's `save_hparams_to_yaml` (PyYAML `yaml.dump`) writes a
 * class or function hyperparameter as `optim: !!python/name:torch.optim.adamw.AdamW ''`: the node is empty and the
 * tag holds the value. Such an empty node becomes the tag's target name (`torch.optim.adamw.AdamW`): the same
 * whichever Lightning logger wrote it (the CSVLogger has no event file to fall back on), and clearer than the
 * `<class '…'>` text of the HParams event. Tagged collections (`!!python/tuple`, an object's state) keep their content.
 */
export function resolvePythonTags(doc: Document): void {
  // Every python tag is one the parser could not resolve and warned about: without such a warning (nearly every
  // file) there is nothing to give a value, and the walk over every node is skipped.
  if (!doc.warnings.some((w) => w.code === 'TAG_RESOLVE_FAILED' && w.message.includes(PYTHON_TAG))) return;
  visit(doc, {
    Node(_key, node) {
      const tag = node.tag;
      if (!tag?.startsWith(PYTHON_TAG)) return;
      const named = NAMED.exec(tag.slice(PYTHON_TAG.length));
      if (named && isScalar(node) && (node.value === '' || node.value === null)) node.value = named[1];
    },
  });
}

/** Unresolved-tag warnings other than PyYAML's python tags (those are what Lightning writes; see above). */
export function foreignTagWarnings(doc: Document): YAMLWarning[] {
  return doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED' && !w.message.includes(PYTHON_TAG));
}
