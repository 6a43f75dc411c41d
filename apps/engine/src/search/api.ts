// The search capability's door for other capabilities (the agent's find_in_files): a request planned the way
// search.text plans it, and the two engines behind it.
export { builtinSearch } from './builtin.js';
export { planSearch } from './plan.js';
export { findRipgrep, ripgrepSearch } from './ripgrep.js';
