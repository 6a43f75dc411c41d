// The id of the Usage editor, for `api.openEditor` (the License view links to it).
export const USAGE_EDITOR = 'usage';
