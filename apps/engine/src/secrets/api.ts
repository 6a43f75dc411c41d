// The secrets store's door: the OS keychain, or an AES-256-GCM file fallback where no keychain answers.
export interface Secrets {
  readonly backend: 'keychain' | 'file';
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
  /** For start-up paths that must decide before the first request (the license); same store as get(). */
  getSync(name: string): string | null;
  setSync(name: string, value: string): void;
  deleteSync(name: string): void;
}
