// A draggable divider that resizes the side bar or the panel.
import { useRef } from 'react';

export function Sash(props: {
  width: number;
  onResize(width: number): void;
  min: number;
  max: number;
  fromRight?: boolean;
}) {
  const start = useRef<{ x: number; width: number } | null>(null);
  return (
    // biome-ignore lint/a11y/useSemanticElements: an <hr> cannot take pointer capture for dragging
    <div
      className="sash"
      role="separator"
      aria-orientation="vertical"
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture(event.pointerId);
        start.current = { x: event.clientX, width: props.width };
      }}
      onPointerMove={(event) => {
        if (!start.current) return;
        const delta = (event.clientX - start.current.x) * (props.fromRight ? -1 : 1);
        props.onResize(Math.max(props.min, Math.min(props.max, start.current.width + delta)));
      }}
      onPointerUp={() => {
        start.current = null;
      }}
    />
  );
}
