import type { IpcRequest, IpcResponse } from "./generated/types.js";

/** The one schema version of the wire contract this SDK speaks. */
export const SCHEMA_VERSION = "opsclaw.ipc.v1alpha1" as const;

export interface BuildIpcEnvelopeOptions {
  messageType: string;
  runId?: string;
  /** An object (or any JSON value) is JSON-encoded; a string is taken as already-encoded JSON. Defaults to `{}`. */
  payload?: unknown;
}

/** Builds a request envelope. `run_id` is left out when not given, never written as null. */
export function buildIpcEnvelope(options: BuildIpcEnvelopeOptions): IpcRequest {
  const envelope: IpcRequest = {
    schema_version: SCHEMA_VERSION,
    message_type: options.messageType,
    payload_json: encodePayload(options.payload),
  };
  if (options.runId !== undefined) {
    envelope.run_id = options.runId;
  }
  return envelope;
}

/** The `payload_json` text of a payload: a string is used as is, undefined is `{}`, anything else is JSON-encoded. */
export function encodePayload(payload: unknown): string {
  if (payload === undefined) {
    return "{}";
  }
  if (typeof payload === "string") {
    return payload;
  }
  const json = JSON.stringify(payload);
  if (json === undefined) {
    throw new TypeError(`payload of type ${typeof payload} cannot be encoded as JSON`);
  }
  return json;
}

/** One request line, `\n` included. */
export function encodeRequestLine(envelope: IpcRequest): string {
  return `${JSON.stringify(envelope)}\n`;
}

/**
 * Reads a response line. Throws a `TypeError` when the line is not JSON or lacks the fields
 * every response carries; the values are not checked further, the host is trusted for that.
 */
export function decodeResponseLine(line: string): IpcResponse {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new TypeError(`response line is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError("response line is not a JSON object");
  }
  const envelope = value as Record<string, unknown>;
  for (const field of ["message_type", "payload_json"] as const) {
    if (typeof envelope[field] !== "string") {
      throw new TypeError(`response has no string '${field}'`);
    }
  }
  if (typeof envelope["ok"] !== "boolean") {
    throw new TypeError("response has no boolean 'ok'");
  }
  return value as IpcResponse;
}
