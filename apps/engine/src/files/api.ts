// The files capability's door for other capabilities that walk the workspace themselves (the codebase index, in its
// worker thread): the same .gitignore rules and walk as the tree and quick open, without the watcher, and the same
// check of a client's relative path.

// ... and, for the agent's tools and checkpoints, the confined writer and path checks the capability itself uses
export { writeInside } from './atomic.js';
export { checkRelativePath, isWithin, resolveInside } from './confine.js';
export { inFolder } from './folder-handle.js';
export { IgnoreRules } from './ignore-rules.js';
export { walkFiles } from './tree.js';
