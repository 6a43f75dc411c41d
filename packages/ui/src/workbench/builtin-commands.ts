// The workbench's own commands (save, quick open, palette, layout toggles) with their default key bindings.
import type { CommandContribution } from './contributions';
import type { WorkbenchController } from './controller';
import { EXPLORER_VIEW } from './layout';

export function builtInCommands(workbench: WorkbenchController): CommandContribution[] {
  const state = () => workbench.state.value;
  return [
    { id: 'workbench.save', title: 'File: Save', keybinding: 'Mod+S', run: () => void workbench.saveActive() },
    { id: 'workbench.saveAll', title: 'File: Save All', keybinding: 'Mod+Alt+S', run: () => workbench.saveAll() },
    {
      id: 'workbench.toggleAutoSave',
      title: 'File: Toggle Auto Save',
      run: () => {
        const enabled = !workbench.autoSave.enabled.value;
        void workbench.settings.set('user', 'files.autoSave', enabled ? 'afterDelay' : 'off');
        workbench.notify(
          enabled ? 'Auto save is on: files are saved a second after you stop typing.' : 'Auto save is off.',
        );
      },
    },
    {
      id: 'workbench.quickOpen',
      title: 'Go to File…',
      keybinding: 'Mod+P',
      run: () => workbench.patch({ overlay: 'quickOpen' }),
    },
    {
      id: 'workbench.commandPalette',
      title: 'Show All Commands',
      keybinding: 'Mod+Shift+P',
      run: () => workbench.patch({ overlay: 'palette' }),
    },
    {
      id: 'workbench.openFolder',
      title: 'File: Open Folder…',
      keybinding: 'Mod+O',
      run: () => workbench.openFolder(),
    },
    {
      id: 'workbench.closeEditor',
      // Mod+W closes the browser tab in browser mode and cannot be intercepted there
      title: 'View: Close Editor',
      keybinding: 'Alt+W',
      run: () => {
        const active = state().tabs.active;
        if (active) void workbench.closeTab(active);
      },
    },
    ...editorLayoutCommands(workbench),
    {
      id: 'workbench.toggleSidebar',
      title: 'View: Toggle Side Bar',
      keybinding: 'Mod+B',
      run: () => workbench.patch({ sideView: state().sideView ? null : EXPLORER_VIEW }),
    },
    {
      id: 'workbench.togglePanel',
      title: 'View: Toggle Panel',
      keybinding: 'Mod+J',
      run: () => workbench.patch({ panelView: state().panelView ? null : (workbench.panelViews[0]?.id ?? null) }),
    },
    {
      id: 'workbench.showExplorer',
      title: 'View: Show Explorer',
      keybinding: 'Mod+Shift+E',
      run: () => workbench.showView(EXPLORER_VIEW),
    },
  ];
}

/** Split editor groups, moving editors between them, focusing them, and the tab commands (editor-groups.ts). */
function editorLayoutCommands(workbench: WorkbenchController): CommandContribution[] {
  const activeTab = () => workbench.state.value.tabs.active;
  const onActive = (run: (path: string) => void) => () => {
    const path = activeTab();
    if (path !== null) run(path);
  };
  return [
    {
      id: 'workbench.splitEditorRight',
      title: 'View: Split Editor Right',
      keybinding: 'Mod+\\',
      run: () => workbench.splitEditor('right'),
    },
    { id: 'workbench.splitEditorDown', title: 'View: Split Editor Down', run: () => workbench.splitEditor('down') },
    {
      id: 'workbench.moveEditorToRightGroup',
      title: 'View: Move Editor into Right Group',
      keybinding: 'Mod+Alt+ArrowRight',
      run: () => workbench.moveEditorToGroup(1),
    },
    {
      id: 'workbench.moveEditorToLeftGroup',
      title: 'View: Move Editor into Left Group',
      keybinding: 'Mod+Alt+ArrowLeft',
      run: () => workbench.moveEditorToGroup(-1),
    },
    {
      id: 'workbench.focusNextGroup',
      title: 'View: Focus Next Editor Group',
      run: () => workbench.focusNeighbourGroup(1),
    },
    {
      id: 'workbench.focusPreviousGroup',
      title: 'View: Focus Previous Editor Group',
      run: () => workbench.focusNeighbourGroup(-1),
    },
    ...[1, 2, 3].map((position) => ({
      id: `workbench.focusGroup${position}`,
      title: `View: Focus ${['First', 'Second', 'Third'][position - 1]} Editor Group`,
      keybinding: `Mod+${position}`,
      run: () => workbench.focusGroupAt(position),
    })),
    {
      id: 'workbench.reopenClosedEditor',
      // Ctrl+Shift+T reopens the browser's closed tab in browser mode and cannot be intercepted there
      title: 'View: Reopen Closed Editor',
      keybinding: 'Alt+Shift+T',
      run: () => workbench.reopenClosedEditor(),
    },
    {
      id: 'workbench.closeOtherEditors',
      title: 'View: Close Other Editors in Group',
      run: onActive((path) => void workbench.closeTabs('others', path)),
    },
    {
      id: 'workbench.closeEditorsToTheRight',
      title: 'View: Close Editors to the Right in Group',
      run: onActive((path) => void workbench.closeTabs('right', path)),
    },
    {
      id: 'workbench.closeSavedEditors',
      title: 'View: Close Saved Editors in Group',
      run: onActive((path) => void workbench.closeTabs('saved', path)),
    },
    {
      id: 'workbench.closeAllEditors',
      title: 'View: Close All Editors in Group',
      run: onActive((path) => void workbench.closeTabs('all', path)),
    },
    { id: 'workbench.keepEditor', title: 'View: Keep Editor', run: onActive((path) => workbench.keepTab(path)) },
    { id: 'workbench.pinEditor', title: 'View: Pin Editor', run: onActive((path) => workbench.pinTab(path, true)) },
    {
      id: 'workbench.unpinEditor',
      title: 'View: Unpin Editor',
      run: onActive((path) => workbench.pinTab(path, false)),
    },
  ];
}
