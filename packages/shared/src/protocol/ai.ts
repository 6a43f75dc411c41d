// ai methods and events (owned by the ai capability).
export const aiMethods = {} as const;

export const aiEvents = {} as const;
