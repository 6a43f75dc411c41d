// Other processes seen from a test: whether a pid still exists, and bounded polling for a condition (no event tells
// another process's death, nor an engine's internal state).

/** True while `pid` exists (a zombie not yet reaped counts: it still has its pid). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `condition` every 20 ms for at most `withinMs`; true as soon as it holds, else what a last check says. */
export async function waitFor(condition: () => boolean | Promise<boolean>, withinMs = 5_000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

/** Waits until `pid` has exited (a process of another parent has no exit event to await). */
export const gone = (pid: number, withinMs = 5_000): Promise<boolean> => waitFor(() => !alive(pid), withinMs);
