// workflow methods and events (owned by the workflow capability).
export const workflowMethods = {} as const;

export const workflowEvents = {} as const;
