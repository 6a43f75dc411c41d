// The coloured file-type badge shown in the tree, tabs and quick open.
import { fileBadge } from '../explorer/file-badge';

export function FileIcon({ name }: { name: string }) {
  const badge = fileBadge(name);
  return (
    <span className="file-icon" style={{ color: badge.color }} aria-hidden="true">
      {badge.label}
    </span>
  );
}
