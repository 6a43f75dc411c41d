// The usage capability: `usage.summary`, the editor's Usage view in one call. It owns no table: each figure comes
// aggregated from the capability that records it, through doors engine.ts hands in (ai's request log, the licence's
// quota ledger, the workflow run store).
import type { Edition, UsageQuota, UsageSummary, UsageWorkflowDay } from '@pa/shared';
import type { AiUsage } from '../ai/api.js';
import type { Capability } from '../context.js';
import { usageRange, utcDays } from './range.js';

export { DAY_MS, HOUR_MS, type UsageRange, usageRange } from './range.js';

export interface UsageDoors {
  ai: AiUsage;
  /** The edition in force and its quotas' usage per UTC day, first to last inclusive. */
  quotas(first: string, last: string): { edition: Edition; quotas: UsageQuota[] };
  /** Workflow runs created in [from, to) per day cut offsetMs east of UTC (loads the workflow capability). */
  workflowRuns(from: number, to: number, offsetMs: number): Promise<UsageWorkflowDay[]>;
}

export function createUsage(doors: UsageDoors): Capability {
  return {
    handlers: {
      'usage.summary': async (params): Promise<UsageSummary> => {
        const range = usageRange(params);
        const { first, last } = utcDays(range);
        const ai = doors.ai.usage(range);
        const { edition, quotas } = doors.quotas(first, last);
        const workflows = await doors.workflowRuns(range.from, range.to, range.offsetMs);
        return {
          from: range.from,
          to: range.to,
          bucket: range.bucket,
          bucketMs: range.bucketMs,
          utcOffsetMinutes: params.utcOffsetMinutes,
          edition,
          ...ai,
          quotas,
          workflows,
        };
      },
    },
  };
}
