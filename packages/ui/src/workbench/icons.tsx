// The workbench's line icons (16 px grid, currentColor), drawn inline so the app needs no icon font or CDN.
import type { ReactNode } from 'react';
import { svgIconUrl } from './svg-icon';

/** The 16 px line-icon frame every feature's glyphs are drawn in. */
export function Svg({ children, size = 16 }: { children: ReactNode; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.3"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {children}
    </svg>
  );
}

export const Icons = {
  files: (size = 22) => (
    <Svg size={size}>
      <path d="M9.5 1.75H4.25a1 1 0 0 0-1 1v10.5a1 1 0 0 0 1 1h7.5a1 1 0 0 0 1-1V5z" />
      <path d="M9.5 1.75V5h3.25" />
    </Svg>
  ),
  chevronRight: () => (
    <Svg size={14}>
      <path d="M6 4l4 4-4 4" />
    </Svg>
  ),
  chevronDown: () => (
    <Svg size={14}>
      <path d="M4 6l4 4 4-4" />
    </Svg>
  ),
  newFile: () => (
    <Svg>
      <path d="M8.5 1.75H4.25a1 1 0 0 0-1 1v10.5a1 1 0 0 0 1 1h3.5" />
      <path d="M8.5 1.75L12.75 6v2" />
      <path d="M12 10.5v4M10 12.5h4" />
    </Svg>
  ),
  newFolder: () => (
    <Svg>
      <path d="M7.5 13.25H2.75a1 1 0 0 1-1-1v-8.5a1 1 0 0 1 1-1h3.5l1.5 1.75h5.5a1 1 0 0 1 1 1V8" />
      <path d="M12 10.25v4M10 12.25h4" />
    </Svg>
  ),
  refresh: () => (
    <Svg>
      <path d="M13.25 8a5.25 5.25 0 1 1-1.54-3.71" />
      <path d="M13.25 2.5v3h-3" />
    </Svg>
  ),
  collapse: () => (
    <Svg>
      <rect x="2.25" y="2.25" width="11.5" height="11.5" rx="1.5" />
      <path d="M5.5 8h5" />
    </Svg>
  ),
  close: (size = 14) => (
    <Svg size={size}>
      <path d="M4.5 4.5l7 7M11.5 4.5l-7 7" />
    </Svg>
  ),
  /** Split Editor Right: a window halved down the middle (VS Code's split-horizontal). */
  splitRight: (size = 16) => (
    <Svg size={size}>
      <rect x="2.25" y="2.75" width="11.5" height="10.5" rx="1.5" />
      <path d="M8 2.75v10.5" />
    </Svg>
  ),
  /** A pinned tab's mark, where its close button would be. */
  pin: (size = 14) => (
    <Svg size={size}>
      <path d="M6 2.5h4M7 2.5v4l-2.5 2.5h7L9 6.5v-4M8 9v4.5" />
    </Svg>
  ),
  folder: (size = 16) => (
    <Svg size={size}>
      <path d="M1.75 4.25a1 1 0 0 1 1-1h3.5l1.5 1.75h5.5a1 1 0 0 1 1 1v6.25a1 1 0 0 1-1 1H2.75a1 1 0 0 1-1-1z" />
    </Svg>
  ),
  folderOpen: (size = 16) => (
    <Svg size={size}>
      <path d="M1.75 12.25v-8a1 1 0 0 1 1-1h3.5l1.5 1.75h5a1 1 0 0 1 1 1v1" />
      <path d="M1.75 12.25l1.9-4.6a1 1 0 0 1 .92-.65h9.68a.6.6 0 0 1 .56.83l-1.8 4.42H1.75z" />
    </Svg>
  ),
  search: (size = 16) => (
    <Svg size={size}>
      <circle cx="7" cy="7" r="4.25" />
      <path d="M10.25 10.25l3.5 3.5" />
    </Svg>
  ),
  warning: (size = 16) => (
    <Svg size={size}>
      <path d="M8 2.25l6 10.5H2z" />
      <path d="M8 6.5v3M8 11.25v.01" />
    </Svg>
  ),
  info: (size = 16) => (
    <Svg size={size}>
      <circle cx="8" cy="8" r="6" />
      <path d="M8 7.25v4M8 5v.01" />
    </Svg>
  ),
  error: (size = 16) => (
    <Svg size={size}>
      <circle cx="8" cy="8" r="6" />
      <path d="M6 6l4 4M10 6l-4 4" />
    </Svg>
  ),
  layoutPanel: (size = 16) => (
    <Svg size={size}>
      <rect x="1.75" y="2.25" width="12.5" height="11.5" rx="1.5" />
      <path d="M10 2.25v11.5" />
    </Svg>
  ),
  layoutSidebar: (size = 16) => (
    <Svg size={size}>
      <rect x="1.75" y="2.25" width="12.5" height="11.5" rx="1.5" />
      <path d="M6 2.25v11.5" />
    </Svg>
  ),
  plug: (size = 14) => (
    <Svg size={size}>
      <path d="M6 1.75v3M10 1.75v3M4.25 4.75h7.5V7.5a3.75 3.75 0 0 1-7.5 0zM8 11.25v3" />
    </Svg>
  ),
  trash: () => (
    <Svg>
      <path d="M2.75 4.25h10.5M6.25 4.25V2.75h3.5v1.5M4.25 4.25l.6 9h6.3l.6-9" />
    </Svg>
  ),
  edit: () => (
    <Svg>
      <path d="M10.5 2.5l3 3-8 8H2.5v-3z" />
    </Svg>
  ),
  plus: (size = 16) => (
    <Svg size={size}>
      <path d="M8 3v10M3 8h10" />
    </Svg>
  ),
  replace: () => (
    <Svg>
      <path d="M3 4.5h6.5a2.5 2.5 0 0 1 0 5H5" />
      <path d="M6.5 7.5 4.5 9.5l2 2" />
    </Svg>
  ),
  replaceAll: () => (
    <Svg>
      <path d="M2.5 3.5h7a2.5 2.5 0 0 1 0 5h-4" />
      <path d="M7 6.5l-2 2 2 2" />
      <path d="M2.5 12.5h11" />
    </Svg>
  ),
  ignoreFile: (size = 14) => (
    <Svg size={size}>
      <path d="M3 2.5h6.5l3.5 3.5v7.5H3z" />
      <path d="M5.5 8.5h5M5.5 11h3" />
    </Svg>
  ),
};

/**
 * A feature's activity-bar icon. SVG markup is drawn as a mask image in the item's colour and never becomes part
 * of the page (see svg-icon.ts), so even a careless string cannot run script; anything else is a short glyph,
 * which shows only when an installed font has it: features should give SVG.
 */
export function FeatureIcon({ icon, size }: { icon: string; size?: number }) {
  const url = svgIconUrl(icon);
  // the activity bar's size is the stylesheet's; elsewhere (a status item) the caller's
  const box = size === undefined ? {} : { width: size, height: size };
  if (url) {
    return (
      <span
        className="feature-icon feature-icon--svg"
        style={{ ...box, WebkitMaskImage: url, maskImage: url }}
        aria-hidden
      />
    );
  }
  return (
    <span className="feature-icon feature-icon--glyph" style={size === undefined ? {} : { ...box, fontSize: size }}>
      {icon}
    </span>
  );
}

/** The product mark: a code bracket pair with a slash. */
export function Logo({ size }: { size: number }) {
  return (
    <svg viewBox="0 0 64 64" width={size} height={size} fill="none" aria-hidden="true">
      <path
        d="M20 14 6 32l14 18M44 14l14 18-14 18M36 10 28 54"
        stroke="currentColor"
        strokeWidth="5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
