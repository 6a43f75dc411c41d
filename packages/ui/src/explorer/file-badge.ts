// A small coloured glyph per file type for the tree, tabs and quick open, so files are told apart at a glance.

export interface FileBadge {
  label: string;
  color: string;
}

const BY_EXTENSION: Record<string, FileBadge> = {
  ts: { label: 'TS', color: '#4f9cf7' },
  tsx: { label: 'TSX', color: '#4f9cf7' },
  mts: { label: 'TS', color: '#4f9cf7' },
  js: { label: 'JS', color: '#e8c547' },
  mjs: { label: 'JS', color: '#e8c547' },
  cjs: { label: 'JS', color: '#e8c547' },
  jsx: { label: 'JSX', color: '#e8c547' },
  json: { label: '{}', color: '#d6a64f' },
  md: { label: 'M↓', color: '#7aa2c8' },
  css: { label: '#', color: '#8f7cf0' },
  scss: { label: '#', color: '#d36fa4' },
  html: { label: '<>', color: '#e5734d' },
  py: { label: 'PY', color: '#5fa8d3' },
  rs: { label: 'RS', color: '#de8a5b' },
  go: { label: 'GO', color: '#4dc3d6' },
  yml: { label: 'YML', color: '#c07bd1' },
  yaml: { label: 'YML', color: '#c07bd1' },
  sh: { label: '$', color: '#7fc47f' },
  sql: { label: 'SQL', color: '#e0a050' },
  txt: { label: '≡', color: '#8b93a1' },
};

const BY_NAME: Record<string, FileBadge> = {
  '.gitignore': { label: 'GIT', color: '#e5734d' },
  'package.json': { label: 'NPM', color: '#cb4b4b' },
  dockerfile: { label: 'DK', color: '#4a9fe0' },
  license: { label: '§', color: '#c9b458' },
};

export function fileBadge(name: string): FileBadge {
  const lower = name.toLowerCase();
  const byName = BY_NAME[lower];
  if (byName) return byName;
  const dot = lower.lastIndexOf('.');
  const byExtension = dot > 0 ? BY_EXTENSION[lower.slice(dot + 1)] : undefined;
  return byExtension ?? { label: '•', color: '#8b93a1' };
}
