// A draggable divider that resizes the side bar or the panel (across), or the bottom panel (`axis: 'y'`, up and down).
import { useRef } from 'react';

export function Sash(props: {
  width: number;
  onResize(width: number): void;
  min: number;
  max: number;
  fromRight?: boolean;
  axis?: 'x' | 'y';
}) {
  const start = useRef<{ x: number; width: number } | null>(null);
  const across = props.axis !== 'y';
  return (
    // biome-ignore lint/a11y/useSemanticElements: an <hr> cannot take pointer capture for dragging
    <div
      className={across ? 'sash' : 'sash sash--y'}
      role="separator"
      aria-orientation={across ? 'vertical' : 'horizontal'}
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture(event.pointerId);
        start.current = { x: across ? event.clientX : event.clientY, width: props.width };
      }}
      onPointerMove={(event) => {
        if (!start.current) return;
        const delta = ((across ? event.clientX : event.clientY) - start.current.x) * (props.fromRight ? -1 : 1);
        props.onResize(Math.max(props.min, Math.min(props.max, start.current.width + delta)));
      }}
      onPointerUp={() => {
        start.current = null;
      }}
    />
  );
}
