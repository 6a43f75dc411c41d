// One connection attempt of the browser page: open the engine's socket, present the token as the first message
// (the engine answers `auth`, or closes with CloseCode.unauthorized), then hand the socket over as a transport.
// The token is not in the socket's URL, so a refusal is a close code the page can read, not a failed upgrade that
// looks like an engine that is down.
import { CloseCode, type ConnectAttempt, ErrorCode, PaError, webSocketTransport } from '@pa/shared';

export function openEngineSocket(attempt: ConnectAttempt, socket: WebSocket, token: string): void {
  const onOpen = () => socket.send(JSON.stringify({ token }));
  const onMessage = (event: MessageEvent) => {
    if (!isAuthAnswer(event.data)) return;
    stopListening();
    attempt.open(webSocketTransport(socket));
  };
  const onClose = (event: CloseEvent) => {
    stopListening();
    const reason = event.reason || `code ${event.code}`;
    attempt.fail(
      event.code === CloseCode.unauthorized
        ? new PaError(
            ErrorCode.UNAUTHORIZED,
            `The engine refused this page's access token (${reason}): open the URL \`pa serve\` printed.`,
          )
        : new PaError(ErrorCode.UNAVAILABLE, `The engine is not reachable (${reason}).`),
    );
  };
  const cancelled = attempt.onDidCancel(() => {
    stopListening();
    socket.close();
  });
  function stopListening() {
    cancelled.dispose();
    socket.removeEventListener('open', onOpen);
    socket.removeEventListener('message', onMessage);
    socket.removeEventListener('close', onClose);
  }
  // an error is always followed by a close event, which says what happened (and `ws` throws on an unheard error)
  socket.addEventListener('error', () => {});
  socket.addEventListener('open', onOpen);
  socket.addEventListener('message', onMessage);
  socket.addEventListener('close', onClose);
}

/** Whether an attempt failed because the token was refused (retrying with the same one cannot help). */
export function tokenRefused(error: unknown): boolean {
  return error instanceof PaError && error.code === ErrorCode.UNAUTHORIZED;
}

function isAuthAnswer(data: unknown): boolean {
  if (typeof data !== 'string') return false;
  try {
    const message: unknown = JSON.parse(data);
    return (
      typeof message === 'object' &&
      message !== null &&
      (message as { event?: unknown }).event === 'auth' &&
      (message as { data?: { ok?: unknown } }).data?.ok === true
    );
  } catch {
    return false;
  }
}
