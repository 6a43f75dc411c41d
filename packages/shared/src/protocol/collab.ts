// collab methods and events (owned by the collab capability).
export const collabMethods = {} as const;

export const collabEvents = {} as const;
