// license methods and events (owned by the license capability).
export const licenseMethods = {} as const;

export const licenseEvents = {} as const;
