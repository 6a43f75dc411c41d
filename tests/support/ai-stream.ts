// Reads one AI stream of the real engine (`ai.chat`, `ai.complete`, `ai.edit`) to its end: the tokens as they came,
// then how it ended — done with the answer, or an error with its code, message and the partial answer it kept.
import {
  type AiAnswer,
  AiStreamFailure,
  type AiToken,
  ErrorCode,
  errorMessage,
  PaError,
  type RouteInfo,
  type RpcStream,
} from '@pa/shared';

export type AiStreamEnd =
  | { kind: 'done'; answer: AiAnswer; tokens: string[] }
  | {
      kind: 'error';
      code: ErrorCode;
      message: string;
      /** The engine's partial answer (AiStreamFailure), or the tokens read when the reader cancelled. */
      partial: string;
      route?: RouteInfo;
      tokens: string[];
    };

/** Collects a stream's tokens until it ends; `onToken` sees each token as it arrives (and may cancel the stream). */
export async function collectAiStream(
  stream: RpcStream<AiToken, AiAnswer>,
  onToken?: (text: string) => void,
): Promise<AiStreamEnd> {
  const tokens: string[] = [];
  try {
    for await (const { text } of stream) {
      tokens.push(text);
      onToken?.(text);
    }
    return { kind: 'done', answer: await stream.result, tokens };
  } catch (error) {
    if (!(error instanceof PaError)) {
      return { kind: 'error', code: ErrorCode.INTERNAL, message: errorMessage(error), partial: '', tokens };
    }
    const failure = AiStreamFailure.safeParse(error.data);
    return {
      kind: 'error',
      code: error.code,
      message: error.message,
      partial: failure.success ? failure.data.partial : tokens.join(''),
      ...(failure.success && failure.data.route ? { route: failure.data.route } : {}),
      tokens,
    };
  }
}
