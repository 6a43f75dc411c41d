// A step that failed but still produced output: a command's exit code and logs, or what a model answered that the
// step could not use. The runner records the output with the failure so the timeline shows it.
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly output: Record<string, unknown>,
  ) {
    super(message);
  }
}
