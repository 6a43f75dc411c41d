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

export const EventMessage = z.object({ event: z.string(), data: z.unknown() });
export type EventMessage = z.infer<typeof EventMessage>;

export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
}

export function method<P extends z.ZodType, R extends z.ZodType>(params: P, result: R): MethodSpec<P, R> {
  return { params, result };
}

/** Every method of a stream answers with its id; tokens/progress come as events carrying it. */
export const StreamId = z.string().min(1).max(64);
export const StreamStart = z.object({ streamId: StreamId });

export const Empty = z.object({}).strict().optional();
export const Ok = z.object({ ok: z.literal(true) });
