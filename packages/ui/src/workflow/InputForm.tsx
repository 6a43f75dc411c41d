// The form for a workflow's inputs: text, a workspace file (prefilled from the active tab), the editor's
// selection, or a choice.
import type { WorkflowSummary } from '@pa/shared';
import { useState } from 'react';
import { useWorkbench } from '../workbench/contributions';

type InputDefinition = WorkflowSummary['inputs'][number];

export function InputForm({
  workflow,
  onRun,
}: {
  workflow: WorkflowSummary;
  onRun(inputs: Record<string, string>): void;
}) {
  const api = useWorkbench();
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      workflow.inputs.map((input) => [
        input.name,
        input.default ?? (input.type === 'choice' ? (input.options?.[0] ?? '') : ''),
      ]),
    ),
  );
  const set = (name: string, value: string) => setValues((previous) => ({ ...previous, [name]: value }));
  const missing = workflow.inputs.filter((input) => input.required && !values[input.name]?.trim());

  const field = (input: InputDefinition) => {
    const value = values[input.name] ?? '';
    const id = `wf-input-${input.name}`;
    switch (input.type) {
      case 'choice':
        return (
          <select id={id} value={value} onChange={(event) => set(input.name, event.target.value)}>
            {input.options?.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        );
      case 'file':
        return (
          <div className="wf-form__row">
            <input
              id={id}
              className="text-input"
              value={value}
              placeholder="path/in/workspace"
              onChange={(event) => set(input.name, event.target.value)}
            />
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={() => set(input.name, api.activeFile() ?? value)}
            >
              Active file
            </button>
          </div>
        );
      case 'selection':
        return (
          <div className="wf-form__stack">
            <textarea id={id} rows={4} value={value} onChange={(event) => set(input.name, event.target.value)} />
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={() => {
                const editor = api.editor();
                const selection = editor?.getSelection();
                const model = editor?.getModel();
                if (selection && model) set(input.name, model.getValueInRange(selection));
              }}
            >
              Use editor selection
            </button>
          </div>
        );
      default:
        return (
          <textarea
            id={id}
            rows={3}
            value={value}
            onChange={(event) => set(input.name, event.target.value)}
            data-testid={id}
          />
        );
    }
  };

  return (
    <form
      className="wf-form"
      onSubmit={(event) => {
        event.preventDefault();
        onRun(values);
      }}
    >
      {workflow.inputs.map((input) => (
        <label key={input.name} className="wf-form__field" htmlFor={`wf-input-${input.name}`}>
          <span className="wf-form__label">
            {input.name}
            {input.required ? '' : ' (optional)'}
          </span>
          {input.description && <span className="wf-form__hint">{input.description}</span>}
          {field(input)}
        </label>
      ))}
      <button type="submit" className="button" disabled={missing.length > 0 || !workflow.allowed} data-testid="wf-run">
        Run {workflow.name}
      </button>
    </form>
  );
}
