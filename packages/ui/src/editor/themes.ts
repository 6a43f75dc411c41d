// Monaco's colour themes, one per workbench theme (theme.css: `:root[data-theme=…]`): the same backgrounds, accent
// and muted gutter as the CSS around the editor. Setting one applies to every editor at once (Monaco's theme is
// global), the diff editor included.
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api';

type TokenColours = Record<string, string>;

/** Token colours by Monaco token type (hex without #); comments are also italic. */
const DARK_TOKENS: TokenColours = {
  comment: '6b7385',
  keyword: 'c792ea',
  string: 'a5d6a7',
  number: 'f7a26b',
  type: '7fd1e8',
  'type.identifier': '7fd1e8',
  identifier: 'd7dce4',
  delimiter: '9aa3b2',
  regexp: 'f78c6c',
  tag: 'f07178',
  'attribute.name': 'ffcb6b',
  key: '82aaff',
  'string.key.json': '82aaff',
  'string.value.json': 'a5d6a7',
};

/** Close to VS Code's Light Modern tokens, darkened where they fall under 4.5:1 on white. */
const LIGHT_TOKENS: TokenColours = {
  comment: '6a737d',
  keyword: 'af00db',
  string: 'a31515',
  number: '098658',
  type: '267f99',
  'type.identifier': '267f99',
  identifier: '1f1f1f',
  delimiter: '3b3b3b',
  regexp: '811f3f',
  tag: '800000',
  'attribute.name': 'e50000',
  key: '0451a5',
  'string.key.json': '0451a5',
  'string.value.json': 'a31515',
};

const HC_TOKENS: TokenColours = {
  comment: '7ca668',
  keyword: 'c586c0',
  string: 'ce9178',
  number: 'b5cea8',
  type: '4ec9b0',
  'type.identifier': '4ec9b0',
  identifier: 'ffffff',
  delimiter: 'ffffff',
  regexp: 'd16969',
  tag: '569cd6',
  'attribute.name': '9cdcfe',
  key: '9cdcfe',
  'string.key.json': '9cdcfe',
  'string.value.json': 'ce9178',
};

function rules(tokens: TokenColours): monaco.editor.ITokenThemeRule[] {
  return Object.entries(tokens).map(([token, foreground]) =>
    token === 'comment' ? { token, foreground, fontStyle: 'italic' } : { token, foreground },
  );
}

monaco.editor.defineTheme('pa-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: rules(DARK_TOKENS),
  colors: {
    'editor.background': '#16181d',
    'editor.foreground': '#d7dce4',
    'editorLineNumber.foreground': '#4a5060',
    'editorLineNumber.activeForeground': '#aab2c0',
    'editor.lineHighlightBackground': '#1d2027',
    'editor.lineHighlightBorder': '#00000000',
    'editor.selectionBackground': '#2f4a7a',
    'editor.inactiveSelectionBackground': '#26334d',
    'editorCursor.foreground': '#7aa7ff',
    'editorIndentGuide.background1': '#252932',
    'editorIndentGuide.activeBackground1': '#3a4050',
    'editorWhitespace.foreground': '#2d323c',
    'editorWidget.background': '#1c1f26',
    'editorWidget.border': '#2b2f38',
    'editorSuggestWidget.background': '#1c1f26',
    'editorSuggestWidget.border': '#2b2f38',
    'editorSuggestWidget.selectedBackground': '#2a3550',
    'editorGutter.background': '#16181d',
    'scrollbarSlider.background': '#ffffff14',
    'scrollbarSlider.hoverBackground': '#ffffff24',
    'scrollbarSlider.activeBackground': '#ffffff30',
    'minimap.background': '#16181d',
    'editorOverviewRuler.border': '#00000000',
    focusBorder: '#00000000',
  },
});

monaco.editor.defineTheme('pa-light', {
  base: 'vs',
  inherit: true,
  rules: rules(LIGHT_TOKENS),
  colors: {
    'editor.background': '#ffffff',
    'editor.foreground': '#1f1f1f',
    'editorLineNumber.foreground': '#8b8b8b',
    'editorLineNumber.activeForeground': '#171184',
    'editor.lineHighlightBackground': '#f5f7fa',
    'editor.lineHighlightBorder': '#00000000',
    'editor.selectionBackground': '#add6ff',
    'editor.inactiveSelectionBackground': '#e5ebf1',
    'editorCursor.foreground': '#005fb8',
    'editorIndentGuide.background1': '#e8e8e8',
    'editorIndentGuide.activeBackground1': '#c4c4c4',
    'editorWhitespace.foreground': '#d0d0d0',
    'editorWidget.background': '#f8f8f8',
    'editorWidget.border': '#e5e5e5',
    'editorSuggestWidget.background': '#f8f8f8',
    'editorSuggestWidget.border': '#e5e5e5',
    'editorSuggestWidget.selectedBackground': '#e8e8e8',
    'editorGutter.background': '#ffffff',
    'scrollbarSlider.background': '#64646433',
    'scrollbarSlider.hoverBackground': '#6464644d',
    'scrollbarSlider.activeBackground': '#00000066',
    'minimap.background': '#ffffff',
    'editorOverviewRuler.border': '#00000000',
    focusBorder: '#00000000',
  },
});

monaco.editor.defineTheme('pa-hc', {
  base: 'hc-black',
  inherit: true,
  rules: rules(HC_TOKENS),
  colors: {
    'editor.background': '#000000',
    'editor.foreground': '#ffffff',
    'editorCursor.foreground': '#ffffff',
    'editor.selectionBackground': '#264f78',
    'editorLineNumber.foreground': '#ffffff',
    'editorGutter.background': '#000000',
    'minimap.background': '#000000',
  },
});
