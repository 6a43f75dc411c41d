// The workflow definition: what a YAML file in resources/workflows/ or .powerautomation/workflows/ may say.
// One zod schema, so the engine, `pa workflow validate` and the UI agree on every error.
import { z } from 'zod';
import { WorkflowComponent } from '../editions.js';
import { type Expr, ExpressionError, parseExpression } from './expression.js';
import { parseTemplate } from './template.js';

const Identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/i, 'must start with a letter and use only letters, digits, "_" and "-"');

/** A string with `{{ … }}` placeholders; a placeholder that does not parse is refused with its reason. */
const Template = z.string().superRefine((value, ctx) => {
  try {
    parseTemplate(value);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    ctx.addIssue({ code: 'custom', message: `bad template: ${error.message}` });
  }
});

const Expression = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    try {
      parseExpression(value);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      ctx.addIssue({ code: 'custom', message: `bad expression at character ${error.offset + 1}: ${error.message}` });
    }
  });

export const InputType = z.enum(['string', 'file', 'selection', 'choice']);
export type InputType = z.infer<typeof InputType>;

export const InputDefinition = z
  .strictObject({
    name: Identifier,
    type: InputType.default('string'),
    description: z.string().optional(),
    required: z.boolean().default(true),
    default: z.string().optional(),
    options: z.array(z.string()).min(1).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.type === 'choice' && !input.options) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'a "choice" input needs a list of options' });
    }
    if (input.type !== 'choice' && input.options) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'only a "choice" input takes options' });
    }
  });
export type InputDefinition = z.infer<typeof InputDefinition>;

export const AiTask = z.enum(['chat', 'code-edit', 'completion', 'explain', 'commit-message', 'workflow']);

export const AiStep = z.strictObject({
  prompt: Template,
  system: Template.optional(),
  task: AiTask.default('workflow'),
  /** text: as is; json: parsed and checked against `schema`; diff: a unified diff, fences stripped. */
  output: z.enum(['text', 'json', 'diff']).default('text'),
  schema: z.record(z.string(), z.unknown()).optional(),
  maxTokens: z.number().int().positive().max(200_000).optional(),
});
export type AiStep = z.infer<typeof AiStep>;

export const RunStep = z
  .strictObject({
    command: Template.optional(),
    /** A list, or one `{{ expr }}` that yields a list. */
    args: z.union([z.array(Template), Template]).default([]),
    /** Run the project's detected test command instead of `command`. */
    test: z.literal(true).optional(),
    /** Run a named package.json script or Makefile target instead of `command`. */
    script: Template.optional(),
    /** Seconds before the process group is killed. */
    timeout: z.number().positive().max(86_400).default(600),
    env: z.record(z.string(), Template).default({}),
    cwd: Template.default('.'),
    /**
     * A non-zero exit fails the step unless this is set (the exit code is an output either way). A `test` step that
     * fails still ends the run `failed` when no later test step passes: the run goes on, its outcome tells the truth.
     */
    allowFailure: z.boolean().default(false),
  })
  .superRefine((run, ctx) => {
    const given = [run.command !== undefined, run.test !== undefined, run.script !== undefined].filter(Boolean).length;
    if (given !== 1) {
      ctx.addIssue({ code: 'custom', message: 'a run step needs exactly one of "command", "test: true" or "script"' });
    }
  });
export type RunStep = z.infer<typeof RunStep>;

export const EditStep = z.union([
  z.strictObject({ diff: Template }),
  z.strictObject({ path: Template, content: Template }),
]);
export type EditStep = z.infer<typeof EditStep>;

export const McpStep = z.strictObject({
  server: Identifier,
  tool: z.string().min(1),
  arguments: z.record(z.string(), z.unknown()).default({}),
});
export type McpStep = z.infer<typeof McpStep>;

export const ApproveStep = z.strictObject({
  message: Template,
  /** What the user is approving: the diff or the command, rendered beside the buttons. */
  show: Template.optional(),
});
export type ApproveStep = z.infer<typeof ApproveStep>;

/** How deep `repeat`s may nest; a deeper workflow is refused when it is validated. */
export const MAX_REPEAT_DEPTH = 3;

export const STEP_KINDS = ['ai', 'run', 'edit', 'mcp', 'approve', 'repeat'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export interface RepeatStep {
  max: number;
  until: string;
  steps: StepDefinition[];
}

export interface StepDefinition {
  id: string;
  name?: string | undefined;
  if?: string | undefined;
  ai?: AiStep | undefined;
  run?: RunStep | undefined;
  edit?: EditStep | undefined;
  mcp?: McpStep | undefined;
  approve?: ApproveStep | undefined;
  repeat?: RepeatStep | undefined;
}

const RepeatSchema: z.ZodType<RepeatStep, unknown> = z.lazy(() =>
  z.strictObject({
    max: z.number().int().min(1).max(20),
    until: Expression,
    steps: z.array(StepSchema).min(1),
  }),
);

export const StepSchema: z.ZodType<StepDefinition, unknown> = z.lazy(() =>
  z
    .strictObject({
      id: Identifier,
      name: z.string().optional(),
      if: Expression.optional(),
      ai: AiStep.optional(),
      run: RunStep.optional(),
      edit: EditStep.optional(),
      mcp: McpStep.optional(),
      approve: ApproveStep.optional(),
      repeat: RepeatSchema.optional(),
    })
    .superRefine((step, ctx) => {
      const kinds = STEP_KINDS.filter((kind) => step[kind] !== undefined);
      if (kinds.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message:
            kinds.length === 0
              ? `step "${step.id}" needs one of: ${STEP_KINDS.join(', ')}`
              : `step "${step.id}" has ${kinds.join(' and ')}; a step does exactly one thing`,
        });
      }
    }),
);

export const WorkflowDefinition = z
  .strictObject({
    name: Identifier,
    description: z.string().min(1),
    /** The licensed component a built-in belongs to; a project's own workflow is "custom". */
    component: WorkflowComponent.optional(),
    inputs: z.array(InputDefinition).default([]),
    steps: z.array(StepSchema).min(1),
  })
  .superRefine((workflow, ctx) => {
    const seen = new Map<string, string>();
    const inputs = new Set(workflow.inputs.map((input) => input.name));
    const visit = (steps: StepDefinition[], path: Array<string | number>, depth: number) => {
      steps.forEach((step, index) => {
        const here = [...path, index];
        if (seen.has(step.id)) {
          ctx.addIssue({ code: 'custom', path: [...here, 'id'], message: `step id "${step.id}" is used twice` });
        }
        seen.set(step.id, step.id);
        for (const [where, expr] of referencedExpressions(step)) {
          const missing = unknownInput(expr, inputs);
          if (missing) {
            ctx.addIssue({
              code: 'custom',
              path: [...here, ...where],
              message: `"inputs.${missing}" is not a declared input`,
            });
          }
        }
        if (!step.repeat) return;
        if (depth >= MAX_REPEAT_DEPTH) {
          ctx.addIssue({
            code: 'custom',
            path: [...here, 'repeat'],
            message: `"repeat" nests deeper than ${MAX_REPEAT_DEPTH} levels; flatten the loops`,
          });
          return;
        }
        visit(step.repeat.steps, [...here, 'repeat', 'steps'], depth + 1);
      });
    };
    visit(workflow.steps, ['steps'], 0);
  });
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;

export function stepKind(step: StepDefinition): StepKind {
  const kind = STEP_KINDS.find((candidate) => step[candidate] !== undefined);
  if (!kind) throw new Error(`step ${step.id} has no kind`);
  return kind;
}

/** Every expression a step's own fields hold, with the field path, for reference checks. */
function referencedExpressions(step: StepDefinition): Array<[Array<string | number>, Expr]> {
  const found: Array<[Array<string | number>, Expr]> = [];
  const addTemplate = (where: Array<string | number>, source: string | undefined) => {
    if (source === undefined) return;
    const parts = attempt(() => parseTemplate(source)) ?? [];
    for (const part of parts) if (part.kind !== 'text') found.push([where, part.expr]);
  };
  const addExpression = (where: Array<string | number>, source: string | undefined) => {
    const expr = source === undefined ? null : attempt(() => parseExpression(source));
    if (expr) found.push([where, expr]);
  };
  addExpression(['if'], step.if);
  if (step.ai) {
    addTemplate(['ai', 'prompt'], step.ai.prompt);
    addTemplate(['ai', 'system'], step.ai.system);
  }
  if (step.run) {
    addTemplate(['run', 'command'], step.run.command);
    addTemplate(['run', 'script'], step.run.script);
    const args = step.run.args;
    if (typeof args === 'string') addTemplate(['run', 'args'], args);
    else for (const [index, arg] of args.entries()) addTemplate(['run', 'args', index], arg);
  }
  if (step.edit) {
    if ('diff' in step.edit) addTemplate(['edit', 'diff'], step.edit.diff);
    else {
      addTemplate(['edit', 'path'], step.edit.path);
      addTemplate(['edit', 'content'], step.edit.content);
    }
  }
  if (step.approve) {
    addTemplate(['approve', 'message'], step.approve.message);
    addTemplate(['approve', 'show'], step.approve.show);
  }
  addExpression(['repeat', 'until'], step.repeat?.until);
  return found;
}

/** Broken templates and expressions were already reported by their own field's check. */
function attempt<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ExpressionError) return null;
    throw error;
  }
}

function unknownInput(expr: Expr, inputs: ReadonlySet<string>): string | null {
  switch (expr.kind) {
    case 'literal':
      return null;
    case 'path': {
      const [root, name] = expr.segments;
      return root === 'inputs' && typeof name === 'string' && !inputs.has(name) ? name : null;
    }
    case 'not':
      return unknownInput(expr.operand, inputs);
    case 'binary':
      return unknownInput(expr.left, inputs) ?? unknownInput(expr.right, inputs);
  }
}
