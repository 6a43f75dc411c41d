// The edition table (DESIGN.md "Licenses"): the one place the numbers live. No license = personal
// (the free tier some issues call "community").
import { z } from 'zod';

export const Edition = z.enum(['personal', 'professional', 'team', 'enterprise']);
export type Edition = z.infer<typeof Edition>;

/** Quota metrics counted per license per UTC day. */
export const QuotaMetric = z.enum(['ai_requests', 'workflow_runs']);
export type QuotaMetric = z.infer<typeof QuotaMetric>;

/** Model classes a license may route to. */
export const ModelClass = z.enum(['local', 'own_key', 'remote', 'private_endpoint', 'custom_endpoint']);
export type ModelClass = z.infer<typeof ModelClass>;

export const WorkflowComponent = z.enum([
  'codeflow',
  'smartui',
  'test',
  'review',
  'commit',
  'agui',
  'operations',
  'xmasters',
  'custom',
]);
export type WorkflowComponent = z.infer<typeof WorkflowComponent>;

/** Features gated by edition (beyond model classes and components). */
export const Feature = z.enum(['collab.join', 'collab.host', 'audit.export', 'workflow.custom']);
export type Feature = z.infer<typeof Feature>;

export interface EditionSpec {
  label: string;
  models: readonly ModelClass[];
  /** null = unlimited. Local-model AI requests are not metered. */
  quotas: Record<QuotaMetric, number | null>;
  /** Participants a host may have in a shared session (0 = may not host; null = unlimited). */
  collabParticipants: number | null;
  components: readonly WorkflowComponent[];
  features: readonly Feature[];
}

export const EDITIONS: Record<Edition, EditionSpec> = {
  personal: {
    label: 'Personal',
    models: ['local', 'own_key'],
    quotas: { ai_requests: 100, workflow_runs: 50 },
    collabParticipants: 0,
    components: ['codeflow', 'smartui', 'test'],
    features: ['collab.join'],
  },
  professional: {
    label: 'Professional',
    models: ['local', 'own_key', 'remote', 'private_endpoint'],
    quotas: { ai_requests: 1_000, workflow_runs: 500 },
    collabParticipants: 5,
    components: ['codeflow', 'smartui', 'test', 'review', 'commit', 'agui'],
    features: ['collab.join', 'collab.host'],
  },
  team: {
    label: 'Team',
    models: ['local', 'own_key', 'remote', 'private_endpoint'],
    quotas: { ai_requests: 5_000, workflow_runs: 2_000 },
    collabParticipants: 25,
    components: ['codeflow', 'smartui', 'test', 'review', 'commit', 'agui', 'operations', 'xmasters'],
    features: ['collab.join', 'collab.host'],
  },
  enterprise: {
    label: 'Enterprise',
    models: ['local', 'own_key', 'remote', 'private_endpoint', 'custom_endpoint'],
    quotas: { ai_requests: null, workflow_runs: null },
    collabParticipants: null,
    components: WorkflowComponent.options,
    features: ['collab.join', 'collab.host', 'audit.export', 'workflow.custom'],
  },
};

/** One entitlement question: "may this license do X". */
export type Entitlement =
  | { kind: 'feature'; feature: Feature }
  | { kind: 'model'; modelClass: ModelClass }
  | { kind: 'component'; component: WorkflowComponent };

export function describeEntitlement(entitlement: Entitlement): string {
  switch (entitlement.kind) {
    case 'feature':
      return `feature:${entitlement.feature}`;
    case 'model':
      return `model:${entitlement.modelClass}`;
    case 'component':
      return `component:${entitlement.component}`;
  }
}

/** The cheapest edition that grants an entitlement, for upgrade hints. */
export function cheapestEditionFor(entitlement: Entitlement): Edition | null {
  for (const edition of Edition.options) {
    const spec = EDITIONS[edition];
    const granted =
      entitlement.kind === 'feature'
        ? spec.features.includes(entitlement.feature)
        : entitlement.kind === 'model'
          ? spec.models.includes(entitlement.modelClass)
          : spec.components.includes(entitlement.component);
    if (granted) return edition;
  }
  return null;
}
