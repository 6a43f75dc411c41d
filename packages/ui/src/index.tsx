// @pa/ui: the workbench.
export function App() {
  return <div>ClaudeEditor</div>;
}
