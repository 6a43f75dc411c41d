// Which paths from the shared files map this participant's engine may write. Any room member can add entries to
// the map, so a path is data from a peer: the engine confines writes to the workspace, and we also refuse the
// places where a written file would run code or corrupt the repository (.git/hooks, …) and paths that try to leave.

export function isSafeSharedPath(path: string): boolean {
  if (path.length === 0 || path.length > 1024) return false;
  for (const char of path) if (char.charCodeAt(0) < 0x20 || char === '\\') return false;
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return false;
  return path
    .split('/')
    .every((segment) => segment !== '' && segment !== '.' && segment !== '..' && segment !== '.git');
}
