// Paths inside the indexed tree, as TreeView gives them: relative to the root, '/'-separated, '' for the root itself.
// Plain string work (no node:path): the same on every platform, and cheap in the readers' loops.

/** `dir/name`, or `name` at the root. */
export function joinRel(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/** The last segment: `b` of `a/b`, `a` of `a`. */
export function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

/** The folder holding `rel`: `a` of `a/b`, '' of `a`. */
export function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}
