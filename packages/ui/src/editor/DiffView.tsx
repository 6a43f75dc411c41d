// A read-only Monaco diff editor of two texts of one file: a workflow `edit` step's change (before → after), or the
// disk's text against a restored backup of unsaved changes.
import { useEffect, useRef } from 'react';
import { monaco } from './monaco';

const LANGUAGES: Record<string, string> = {
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  tsx: 'typescript',
  json: 'json',
  css: 'css',
  md: 'markdown',
  py: 'python',
  go: 'go',
  rs: 'rust',
  yml: 'yaml',
  yaml: 'yaml',
  html: 'html',
};

export interface DiffViewProps {
  path: string;
  before: string;
  after: string;
  /** The element's class and test id (the workflow timeline's by default). */
  className?: string;
  /** Lines shown at most before the diff scrolls. */
  maxLines?: number;
}

export function DiffView({ path, before, after, className = 'wf-diff', maxLines = 24 }: DiffViewProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const language = LANGUAGES[path.split('.').pop() ?? ''] ?? 'plaintext';
    const editor = monaco.editor.createDiffEditor(host.current, {
      readOnly: true,
      renderSideBySide: false,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      lineNumbers: 'on',
      renderOverviewRuler: false,
      fontSize: 12,
      theme: 'pa-dark',
    });
    const original = monaco.editor.createModel(before, language);
    const modified = monaco.editor.createModel(after, language);
    editor.setModel({ original, modified });
    return () => {
      editor.dispose();
      original.dispose();
      modified.dispose();
    };
  }, [path, before, after]);
  const lines = Math.min(maxLines, Math.max(before.split('\n').length, after.split('\n').length) + 2);
  return <div ref={host} className={className} style={{ height: `${lines * 18}px` }} data-testid={className} />;
}
