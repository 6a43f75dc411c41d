// The wire envelope of the engine protocol and the helpers that define a typed method or event.
import { z } from 'zod';
import { ErrorCode } from './errors.js';

/** Largest message either side accepts (16 MiB); the engine answers bigger ones with E_TOO_LARGE. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export const RequestId = z.union([z.number().int().nonnegative(), z.string().min(1).max(64)]);
export type RequestId = z.infer<typeof RequestId>;

export const RequestMessage = z.strictObject({
  id: RequestId,
  method: z.string().min(1).max(128),
  params: z.unknown().optional(),
});
export type RequestMessage = z.infer<typeof RequestMessage>;

export const WireErrorSchema = z.object({
  code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  data: z.unknown().optional(),
});

export const ResponseMessage = z.union([
  z.object({ id: RequestId.nullable(), result: z.unknown() }),
  z.object({ id: RequestId.nullable(), error: WireErrorSchema }),
]);
export type ResponseMessage = z.infer<typeof ResponseMessage>;

/**
 * Streams. The request is an ordinary `{id, method, params}`; the engine answers with any number of
 * `{id, items}` frames (items batched as they were ready), then one `{id, result}` or `{id, error}` that ends it.
 * The engine sends at most STREAM_WINDOW items the client has not granted yet: the client grants more with
 * `{id, credit}` as its reader takes them, so a slow reader makes the producer wait and neither side queues
 * without bound. `{id, cancel: true}` stops the stream; the engine answers it with E_CANCELLED.
 */
export const STREAM_WINDOW = 256;

export const StreamItemsMessage = z.object({ id: RequestId, items: z.array(z.unknown()).min(1) });
export type StreamItemsMessage = z.infer<typeof StreamItemsMessage>;

export const StreamControlMessage = z.union([
  z.strictObject({ id: RequestId, credit: z.number().int().positive().max(1_000_000) }),
  z.strictObject({ id: RequestId, cancel: z.literal(true) }),
]);
export type StreamControlMessage = z.infer<typeof StreamControlMessage>;

export const EventMessage = z.object({ event: z.string(), data: z.unknown() });
export type EventMessage = z.infer<typeof EventMessage>;

export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly kind: 'call';
  params: P;
  result: R;
}

/** A method answered by a stream of items and then one result (see STREAM_WINDOW for the wire). */
export interface StreamSpec<
  P extends z.ZodType = z.ZodType,
  I extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  readonly kind: 'stream';
  params: P;
  item: I;
  result: R;
}

export function method<P extends z.ZodType, R extends z.ZodType>(params: P, result: R): MethodSpec<P, R> {
  return { kind: 'call', params, result };
}

export function stream<P extends z.ZodType, I extends z.ZodType, R extends z.ZodType>(
  params: P,
  item: I,
  result: R,
): StreamSpec<P, I, R> {
  return { kind: 'stream', params, item, result };
}

export const Empty = z.object({}).strict().optional();
export const Ok = z.object({ ok: z.literal(true) });
