// Engine-level methods: liveness, identity, workspaces.
import { z } from 'zod';
import { Empty, method, Ok } from '../rpc.js';

export const EngineInfo = z.object({
  version: z.string(),
  pid: z.number(),
  platform: z.string(),
  node: z.string(),
  dataDir: z.string(),
  transport: z.enum(['websocket', 'port']),
});
export type EngineInfo = z.infer<typeof EngineInfo>;

export const WorkspaceInfo = z.object({ root: z.string(), name: z.string() });
export type WorkspaceInfo = z.infer<typeof WorkspaceInfo>;

export const RecentWorkspace = z.object({ path: z.string(), name: z.string(), openedAt: z.number() });
export type RecentWorkspace = z.infer<typeof RecentWorkspace>;

export const engineMethods = {
  'engine.ping': method(Empty, z.object({ pong: z.literal(true), time: z.number() })),
  'engine.info': method(Empty, EngineInfo),
  /** The root, home or a system folder answers E_FORBIDDEN `confirm_required` unless `confirm` is true. */
  'workspace.open': method(
    z.strictObject({ path: z.string().min(1).max(4096), confirm: z.boolean().optional() }),
    WorkspaceInfo,
  ),
  'workspace.current': method(Empty, z.object({ workspace: WorkspaceInfo.nullable() })),
  'workspace.recent': method(Empty, z.object({ items: z.array(RecentWorkspace) })),
  'workspace.forget': method(z.strictObject({ path: z.string().min(1).max(4096) }), Ok),
} as const;

export const engineEvents = {
  'workspace.changed': z.object({ workspace: WorkspaceInfo.nullable() }),
} as const;
