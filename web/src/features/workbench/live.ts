// What to do with a commit broadcast on the branch the workbench shows.
export type LiveAction = 'ignore' | 'apply' | 'reload';

/**
 * `ignore` our own commits and the one we are at; `apply` the patch when the commit sits right on our
 * head; otherwise we missed something (or the branch moved under us), so `reload` the model.
 */
export function decideCommit(
  msg: { commit: string; parent: string | null },
  head: string | null,
  own: ReadonlySet<string>,
): LiveAction {
  if (msg.commit === head || own.has(msg.commit)) return 'ignore';
  if (head !== null && msg.parent === head) return 'apply';
  return 'reload';
}

/** The JSON pointer presence reports for an open entry, e.g. /pipelines/abc12345. */
export function presenceNode(place: string, id: string | undefined): string | null {
  if (!id || place === 'history' || place === 'executions' || place === 'workspace') return null;
  return `/${place}/${id}`;
}
