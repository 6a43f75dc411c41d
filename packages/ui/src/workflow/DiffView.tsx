// A read-only Monaco diff editor for one file change an `edit` step made (before → after).
import { useEffect, useRef } from 'react';
import { monaco } from '../editor/monaco';

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

export function DiffView({ path, before, after }: { path: string; before: string; after: string }) {
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
  const lines = Math.min(24, Math.max(before.split('\n').length, after.split('\n').length) + 2);
  return <div ref={host} className="wf-diff" style={{ height: `${lines * 18}px` }} data-testid="wf-diff" />;
}
