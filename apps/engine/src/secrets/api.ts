// The secrets store's door: the OS keychain, or an AES-256-GCM file fallback where no keychain answers.
export interface Secrets {
  readonly backend: 'keychain' | 'file';
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}
