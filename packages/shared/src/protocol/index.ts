// The whole protocol: one table of methods and one of events, merged from each capability's file.
import type { z } from 'zod';
import type { MethodSpec, StreamSpec } from '../rpc.js';
import { agentMethods } from './agent.js';
import { aiEvents, aiMethods } from './ai.js';
import { backupMethods } from './backup.js';
import { codebaseEvents, codebaseMethods } from './codebase.js';
import { collabEvents, collabMethods } from './collab.js';
import { engineEvents, engineMethods } from './engine.js';
import { filesEvents, filesMethods } from './files.js';
import { formatMethods } from './format.js';
import { gitEvents, gitMethods } from './git.js';
import { infillMethods } from './infill.js';
import { languageMethods } from './language.js';
import { licenseEvents, licenseMethods } from './license.js';
import { lspMethods } from './lsp.js';
import { modelsMethods } from './models.js';
import { problemsMethods } from './problems.js';
import { searchMethods } from './search.js';
import { settingsMethods } from './settings.js';
import { terminalMethods } from './terminal.js';
import { usageMethods } from './usage.js';
import { workflowMethods } from './workflow.js';

export const methods = {
  ...engineMethods,
  ...filesMethods,
  ...licenseMethods,
  ...aiMethods,
  ...infillMethods,
  ...workflowMethods,
  ...collabMethods,
  ...backupMethods,
  ...gitMethods,
  ...searchMethods,
  ...settingsMethods,
  ...terminalMethods,
  ...languageMethods,
  ...lspMethods,
  ...formatMethods,
  ...modelsMethods,
  ...codebaseMethods,
  ...agentMethods,
  ...problemsMethods,
  ...usageMethods,
} as const;

export const events = {
  ...engineEvents,
  ...filesEvents,
  ...licenseEvents,
  ...aiEvents,
  ...collabEvents,
  ...gitEvents,
  ...codebaseEvents,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Events = typeof events;
export type EventName = keyof Events;

type SpecOf<M extends MethodName> =
  Methods[M] extends MethodSpec<infer P, infer R>
    ? { p: P; r: R; i: never }
    : Methods[M] extends StreamSpec<infer P, infer I, infer R>
      ? { p: P; r: R; i: I }
      : never;
/** The methods answered by a stream of items (`client.stream`), and the ones answered once (`client.call`). */
export type StreamMethodName = { [M in MethodName]: Methods[M] extends StreamSpec ? M : never }[MethodName];
export type CallMethodName = Exclude<MethodName, StreamMethodName>;
/** What a caller passes (defaults optional). */
export type ParamsIn<M extends MethodName> = z.input<SpecOf<M>['p']>;
/** What a handler receives (defaults applied). */
export type Params<M extends MethodName> = z.output<SpecOf<M>['p']>;
/** A call's answer, or the value a stream ends with. */
export type Result<M extends MethodName> = z.output<SpecOf<M>['r']>;
/** One item of a stream. */
export type Item<M extends StreamMethodName> = z.output<SpecOf<M>['i']>;
export type EventData<E extends EventName> = z.output<Events[E]>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}

export function isStreamMethod(name: MethodName): name is StreamMethodName {
  return (methods[name] as { kind: string }).kind === 'stream';
}

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}

export * from './agent.js';
export * from './ai.js';
export * from './backup.js';
export * from './codebase.js';
export * from './collab.js';
export * from './engine.js';
export * from './files.js';
export * from './format.js';
export * from './git.js';
export * from './infill.js';
export * from './language.js';
export * from './license.js';
export * from './lsp.js';
export * from './models.js';
export * from './problems.js';
export * from './search.js';
export * from './settings.js';
export * from './terminal.js';
export * from './usage.js';
export * from './workflow.js';
