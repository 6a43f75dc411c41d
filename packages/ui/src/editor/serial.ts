// Runs asynchronous work one job at a time per key (per file): a job starts only when the key's previous job has
// settled, whether it succeeded or failed; different keys do not wait for each other.
export class SerialByKey {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    // tails never reject (see below), so `job` runs once the previous one settled either way
    const result = previous.then(job);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
