// Electron main (see issue 2).
export {};
