// The Markdown preview tab: the controller's sanitised HTML, then, in the DOM, what the sanitiser only marked —
// relative images loaded through the files capability, remote ones replaced by a placeholder with their URL (never
// fetched), code blocks coloured by Monaco's colorizer — and clicks on relative links sent to the editor.
import { type MouseEvent, useLayoutEffect, useRef } from 'react';
import { monaco } from '../editor/monaco';
import { useWorkbench, type WorkbenchApi } from '../workbench/contributions';
import { useObservable } from '../workbench/observable';
import { MarkdownPreviewController } from './markdown-controller';
import { codeLanguage, IMAGE_ATTRIBUTE, LINK_ATTRIBUTE, REMOTE_IMAGE_ATTRIBUTE } from './markdown-html';
import { useInstance } from './use-instance';
import './preview.css';

const createMarkdownPreview = (api: WorkbenchApi, resource: string) => new MarkdownPreviewController(api, resource);

export function MarkdownPreview({ resource }: { resource: string }) {
  const api = useWorkbench();
  const controller = useInstance(createMarkdownPreview, api, resource);
  return controller ? <MarkdownBody controller={controller} /> : <div className="md-preview" />;
}

function MarkdownBody({ controller }: { controller: MarkdownPreviewController }) {
  const state = useObservable(controller.state);
  const body = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    if (body.current && state.html) decorate(body.current, controller);
  }, [state.html, controller]);

  const onClick = (event: MouseEvent) => {
    const link = (event.target as Element).closest(`a[${LINK_ATTRIBUTE}]`);
    if (!link) return;
    event.preventDefault();
    controller.openLink(link.getAttribute(LINK_ATTRIBUTE) ?? '');
  };

  if (state.error) {
    return (
      <div className="md-preview md-preview--error" role="alert">
        {state.error}
      </div>
    );
  }
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: links inside are the targets; Enter on a focused link is a click
    <div className="md-preview" onClick={onClick} data-testid="markdown-preview">
      <div
        ref={body}
        className="md-preview__body"
        // biome-ignore lint/security/noDangerouslySetInnerHtml: cut to the preview allow-list by markdownPreviewHtml
        dangerouslySetInnerHTML={{ __html: state.html }}
      />
    </div>
  );
}

function decorate(root: HTMLElement, controller: MarkdownPreviewController): void {
  for (const image of root.querySelectorAll<HTMLImageElement>(`img[${REMOTE_IMAGE_ATTRIBUTE}]`)) {
    image.replaceWith(placeholder(`Remote image not loaded: ${image.getAttribute(REMOTE_IMAGE_ATTRIBUTE)}`));
  }
  for (const image of root.querySelectorAll<HTMLImageElement>(`img[${IMAGE_ATTRIBUTE}]`)) {
    const src = image.getAttribute(IMAGE_ATTRIBUTE) ?? '';
    const path = controller.imagePath(src);
    if (!path) {
      image.replaceWith(placeholder(`Image outside the workspace not shown: ${src}`));
      continue;
    }
    controller.images.load(path).then(
      (loaded) => {
        image.src = loaded.url;
      },
      (error: unknown) => {
        if (image.isConnected) image.replaceWith(placeholder(`${src}: ${(error as Error).message}`));
      },
    );
  }
  const languages = monaco.languages.getLanguages();
  for (const code of root.querySelectorAll<HTMLElement>('pre > code[class]')) {
    const language = codeLanguage(code.className, languages);
    if (!language) continue;
    // Monaco's colorizer escapes the text it wraps in its token spans
    void monaco.editor.colorize((code.textContent ?? '').replace(/\n$/, ''), language, { tabSize: 4 }).then((html) => {
      if (code.isConnected) code.innerHTML = html;
    });
  }
}

function placeholder(text: string): HTMLElement {
  const element = document.createElement('span');
  element.className = 'md-preview__placeholder';
  element.textContent = text;
  element.title = text;
  return element;
}
