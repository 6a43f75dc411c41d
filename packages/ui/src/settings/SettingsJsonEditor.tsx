// settings.json (user or workspace) or keybindings.json in Monaco, validated and completed by the JSON Schema made
// from the setting table (json-schema.ts registers it for these models). What is typed is written once it parses
// (no error markers) and typing stops; a change from elsewhere replaces the text unless this view has unwritten edits.
import type { SettingsFileId } from '@pa/shared';
import { useEffect, useRef } from 'react';
import { monaco } from '../editor/monaco';
import { useWorkbench } from '../workbench/contributions';
import { followEditorSettings } from './editor-options';
import { ensureSettingsSchemas, settingsModelUri } from './json-schema';
import './settings.css';

/**
 * How long after the last keystroke a valid file is written: after Monaco's JSON validation (500 ms after a change)
 * has given its markers for the text as it is.
 */
const WRITE_DELAY_MS = 1000;

function fileOf(resource: string): SettingsFileId {
  return resource === 'workspace' || resource === 'keybindings' ? resource : 'user';
}

export function SettingsJsonEditor({ resource }: { resource: string }) {
  const api = useWorkbench();
  const container = useRef<HTMLDivElement>(null);
  const file = fileOf(resource);

  useEffect(() => {
    if (!container.current) return;
    const store = api.settings;
    const textNow = () => {
      const snapshot = store.snapshot.value;
      const state =
        file === 'user' ? snapshot?.user : file === 'workspace' ? snapshot?.workspace : snapshot?.keybindings;
      return state?.exists ? state.text : file === 'keybindings' ? '[\n]\n' : '{\n}\n';
    };
    ensureSettingsSchemas();
    const uri = monaco.Uri.parse(settingsModelUri(file));
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(textNow(), 'json', uri);
    const editor = monaco.editor.create(container.current, {
      model,
      automaticLayout: true,
      fixedOverflowWidgets: true,
    });
    const stopSettings = followEditorSettings(store.effective, editor);
    let written = model.getValue();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const write = () => {
      timer = undefined;
      const text = model.getValue();
      const errors = monaco.editor
        .getModelMarkers({ resource: uri })
        .filter((marker) => marker.severity === monaco.MarkerSeverity.Error);
      if (text === written || errors.length > 0) return;
      written = text;
      void store.write(file, text);
    };
    const typing = model.onDidChangeContent(() => {
      clearTimeout(timer);
      timer = setTimeout(write, WRITE_DELAY_MS);
    });
    // the JSON worker validates after a change: a write waits for its verdict
    const validated = monaco.editor.onDidChangeMarkers((uris) => {
      if (uris.some((each) => each.toString() === uri.toString()) && timer === undefined) write();
    });
    const following = store.snapshot.subscribe(() => {
      const text = textNow();
      // only when this view has nothing unwritten: edits here are never replaced under the cursor
      if (model.getValue() === written && text !== written) {
        written = text;
        model.setValue(text);
      }
    });
    return () => {
      clearTimeout(timer);
      write();
      following();
      validated.dispose();
      typing.dispose();
      stopSettings();
      editor.dispose();
      model.dispose();
    };
  }, [api, file]);

  return <div ref={container} className="settings-json monaco-host" data-testid="settings-json" />;
}
