// Preload bridge (see issue 2).
export {};
