// The files capability's door for other capabilities that walk the workspace themselves (the codebase index, in its
// worker thread): the same .gitignore rules and walk as the tree and quick open, without the watcher.
export { IgnoreRules } from './ignore-rules.js';
export { walkFiles } from './tree.js';
