// The chat's input box with `@` completion: typing `@` opens a small list above the box (`@codebase`, `@file`,
// `@folder`, `@search`, then the workspace's files and folders that match what follows the `@`); Up / Down move,
// Enter or Tab inserts the token, Escape closes the list. Enter with the list closed sends.
import { errorMessage } from '@pa/shared';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { baseName, parentOf } from '../explorer/tree';
import { FileIcon } from '../workbench/file-icon';
import { Icons } from '../workbench/icons';
import {
  applyMention,
  foldersOf,
  KEYWORD_DETAIL,
  type MentionItem,
  mentionItems,
  mentionQueryAt,
  mentionToken,
} from './mentions';

export interface MentionInputProps {
  value: string;
  onChange(value: string): void;
  onSend(): void;
  /** The workspace's files, asked for on the first `@`. */
  loadFiles(): Promise<string[]>;
  placeholder: string;
}

export function MentionInput(props: MentionInputProps) {
  const { value, onChange } = props;
  const box = useRef<HTMLTextAreaElement>(null);
  const [cursor, setCursor] = useState(0);
  const [selected, setSelected] = useState(0);
  /** The `@` (by its offset) the user closed the list for with Escape; typing elsewhere opens it again. */
  const [dismissed, setDismissed] = useState<number | null>(null);
  const [files, setFiles] = useState<{ files: string[]; folders: string[] } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** The list shows only while the box has the keyboard (a click elsewhere puts it away). */
  const [focused, setFocused] = useState(false);
  const pendingCursor = useRef<number | null>(null);

  const query = mentionQueryAt(value, cursor);
  const open = focused && query !== null && query.start !== dismissed;
  const typed = open ? query.text : null;
  const openedAt = open ? query.start : null;
  const { loadFiles } = props;
  // read each time the list opens: the workbench keeps the list and reads it again only when files came or went
  useEffect(() => {
    if (openedAt === null) return;
    let live = true;
    loadFiles().then(
      (list) => live && setFiles({ files: list, folders: foldersOf(list) }),
      (error: unknown) => {
        if (!live) return;
        setLoadError(errorMessage(error));
        setFiles({ files: [], folders: [] });
      },
    );
    return () => {
      live = false;
    };
  }, [openedAt, loadFiles]);
  const items = useMemo(
    () => (typed === null ? [] : mentionItems(typed, files?.files ?? [], files?.folders ?? [])),
    [typed, files],
  );
  const showList = open && items.length > 0;
  const active = Math.min(selected, Math.max(0, items.length - 1));

  // the caret goes where the inserted token wants it once React has put the new text in the box
  useLayoutEffect(() => {
    const at = pendingCursor.current;
    if (at === null || !box.current) return;
    pendingCursor.current = null;
    box.current.setSelectionRange(at, at);
    setCursor(at);
  });

  const choose = (item: MentionItem) => {
    if (!query) return;
    const next = applyMention(value, query, item);
    pendingCursor.current = next.cursor;
    setSelected(0);
    onChange(next.text);
    box.current?.focus();
  };

  const follow = (element: HTMLTextAreaElement) => setCursor(element.selectionStart ?? element.value.length);

  return (
    <div className="ai-mention-input">
      {showList && (
        <div className="ai-mentions" role="listbox" aria-label="Mentions" data-testid="ai-mentions">
          {items.map((item, index) => (
            <div
              key={mentionToken(item)}
              role="option"
              tabIndex={-1}
              aria-selected={index === active}
              className={`ai-mentions__item${index === active ? ' ai-mentions__item--active' : ''}`}
              onMouseMove={() => setSelected(index)}
              onMouseDown={(event) => {
                event.preventDefault(); // the box keeps the focus and the caret
                choose(item);
              }}
            >
              <MentionRow item={item} />
            </div>
          ))}
          {loadError && <div className="ai-mentions__note">Files could not be listed: {loadError}</div>}
        </div>
      )}
      <textarea
        ref={box}
        data-testid="ai-input"
        placeholder={props.placeholder}
        value={value}
        rows={3}
        onChange={(event) => {
          onChange(event.target.value);
          follow(event.target);
          setSelected(0);
          if (
            dismissed !== null &&
            mentionQueryAt(event.target.value, event.target.selectionStart)?.start !== dismissed
          )
            setDismissed(null);
        }}
        onSelect={(event) => follow(event.currentTarget)}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onKeyDown={(event) => {
          if (showList) {
            if (event.key === 'ArrowDown') setSelected((active + 1) % items.length);
            else if (event.key === 'ArrowUp') setSelected((active - 1 + items.length) % items.length);
            else if (event.key === 'Enter' || event.key === 'Tab') {
              const item = items[active];
              if (item) choose(item);
            } else if (event.key === 'Escape') setDismissed(query?.start ?? null);
            else return;
            event.preventDefault();
            event.stopPropagation();
            return;
          }
          if (event.key === 'Enter' && !event.shiftKey) {
            event.preventDefault();
            props.onSend();
          }
        }}
      />
    </div>
  );
}

/** `@codebase`: stacked layers, the index's own mark in the status bar. */
const CODEBASE_GLYPH = (
  <svg
    width="14"
    height="14"
    viewBox="0 0 16 16"
    fill="none"
    stroke="currentColor"
    strokeWidth="1.3"
    strokeLinecap="round"
    strokeLinejoin="round"
    aria-hidden="true"
  >
    <path d="M8 2.25 13.75 5 8 7.75 2.25 5z" />
    <path d="M2.25 8 8 10.75 13.75 8M2.25 11 8 13.75 13.75 11" />
  </svg>
);

function MentionRow({ item }: { item: MentionItem }) {
  switch (item.kind) {
    case 'codebase':
      return (
        <>
          <span className="ai-mentions__icon">{CODEBASE_GLYPH}</span>
          <span className="ai-mentions__label">@codebase</span>
          <span className="ai-mentions__detail">{KEYWORD_DETAIL.codebase}</span>
        </>
      );
    case 'prefix':
      return (
        <>
          <span className="ai-mentions__icon">
            {item.prefix === 'file' ? Icons.files(14) : item.prefix === 'folder' ? Icons.folder(14) : Icons.search(14)}
          </span>
          <span className="ai-mentions__label">@{item.prefix}</span>
          <span className="ai-mentions__detail">{KEYWORD_DETAIL[item.prefix]}</span>
        </>
      );
    case 'file':
      return (
        <>
          <span className="ai-mentions__icon">
            <FileIcon name={baseName(item.path)} />
          </span>
          <span className="ai-mentions__label">{baseName(item.path)}</span>
          <span className="ai-mentions__detail">{parentOf(item.path)}</span>
        </>
      );
    case 'folder':
      return (
        <>
          <span className="ai-mentions__icon ai-mentions__icon--folder">{Icons.folder(14)}</span>
          <span className="ai-mentions__label">{baseName(item.path)}/</span>
          <span className="ai-mentions__detail">{parentOf(item.path)}</span>
        </>
      );
    case 'search':
      return (
        <>
          <span className="ai-mentions__icon">{Icons.search(14)}</span>
          <span className="ai-mentions__label">Search for “{item.query}”</span>
          <span className="ai-mentions__detail">{KEYWORD_DETAIL.search}</span>
        </>
      );
  }
}
