import type { IpcErrorCode, IpcResponse } from "./generated/types.js";

/** The host answered with an error envelope (`ok: false`). */
export class IpcError extends Error {
  /** The envelope's `error_code`; a string outside {@link IpcErrorCode} only from a newer host. */
  readonly code: IpcErrorCode | (string & {});
  readonly envelope: IpcResponse;

  constructor(envelope: IpcResponse) {
    super(`${envelope.error ?? "request failed"} (${envelope.error_code ?? "no error_code"})`);
    this.name = "IpcError";
    this.code = envelope.error_code ?? "unknown";
    this.envelope = envelope;
  }
}

/** Why a request got no reply from the host. */
export type IpcConnectionErrorKind = "timeout" | "closed" | "socket" | "protocol";

/** No usable reply: the request timed out, the connection failed or closed, or the host sent something that is not a response. */
export class IpcConnectionError extends Error {
  readonly kind: IpcConnectionErrorKind;

  constructor(kind: IpcConnectionErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IpcConnectionError";
    this.kind = kind;
  }
}
