// The image preview tab, as VS Code's: the image centred on a checkerboard, fit to the editor or at a scale (the
// buttons, Ctrl/Cmd + wheel), its dimensions and size in the header.
import { useLayoutEffect, useRef, useState, type WheelEvent } from 'react';
import { useWorkbench, type WorkbenchApi } from '../workbench/contributions';
import { useObservable } from '../workbench/observable';
import { ImagePreviewController } from './image-controller';
import { formatBytes } from './image-types';
import { useInstance } from './use-instance';
import './preview.css';

const createImagePreview = (api: WorkbenchApi, resource: string) => new ImagePreviewController(api, resource);

export function ImagePreview({ resource }: { resource: string }) {
  const api = useWorkbench();
  const controller = useInstance(createImagePreview, api, resource);
  return controller ? <ImageView controller={controller} /> : <div className="image-preview" />;
}

function ImageView({ controller }: { controller: ImagePreviewController }) {
  const state = useObservable(controller.state);
  const stage = useRef<HTMLDivElement>(null);
  const [stageSize, setStageSize] = useState({ width: 0, height: 0 });

  useLayoutEffect(() => {
    const element = stage.current;
    if (!element) return;
    const observer = new ResizeObserver(() =>
      setStageSize({ width: element.clientWidth, height: element.clientHeight }),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const { dimensions } = state;
  // 'fit' never enlarges a small image (an icon stays crisp at 100%)
  const fitScale = dimensions
    ? Math.min(1, (stageSize.width - 32) / dimensions.width, (stageSize.height - 32) / dimensions.height)
    : 1;
  const scale = state.zoom === 'fit' ? Math.max(fitScale, 0.01) : state.zoom;

  const onWheel = (event: WheelEvent) => {
    if (!event.ctrlKey && !event.metaKey) return;
    event.preventDefault();
    controller.step(event.deltaY < 0 ? 1 : -1, fitScale);
  };

  return (
    <div className="image-preview" data-testid="image-preview">
      <div className="image-preview__bar">
        <span className="image-preview__info" data-testid="image-info">
          {dimensions ? `${dimensions.width} × ${dimensions.height}` : '…'} · {formatBytes(state.size)}
        </span>
        <span className="image-preview__zoom">{Math.round(scale * 100)}%</span>
        <button type="button" onClick={() => controller.step(-1, fitScale)} title="Zoom out">
          −
        </button>
        <button type="button" onClick={() => controller.step(1, fitScale)} title="Zoom in">
          +
        </button>
        <button type="button" aria-pressed={state.zoom === 'fit'} onClick={() => controller.setZoom('fit')}>
          Fit
        </button>
        <button type="button" aria-pressed={state.zoom === 1} onClick={() => controller.setZoom(1)}>
          100%
        </button>
      </div>
      <div ref={stage} className="image-preview__stage" onWheel={onWheel}>
        {state.error && (
          <div className="image-preview__error" role="alert">
            {state.error}
          </div>
        )}
        {state.url && (
          <img
            src={state.url}
            alt={controller.path}
            className="image-preview__image"
            style={dimensions ? { width: dimensions.width * scale, height: dimensions.height * scale } : undefined}
            onLoad={(event) => controller.decoded(event.currentTarget.naturalWidth, event.currentTarget.naturalHeight)}
          />
        )}
      </div>
    </div>
  );
}
