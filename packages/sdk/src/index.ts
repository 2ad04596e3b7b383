export { SCHEMA_VERSION, buildIpcEnvelope, decodeResponseLine, encodePayload, encodeRequestLine } from "./envelope.js";
export type { BuildIpcEnvelopeOptions } from "./envelope.js";
export { IpcConnectionError, IpcError } from "./errors.js";
export type { IpcConnectionErrorKind } from "./errors.js";
export { IpcClient } from "./ipcClient.js";
export type {
  IpcClientOptions,
  IpcReply,
  IpcRequestOptions,
  KnownMessageType,
  PublishOptions,
  PushPayloadOf,
  PushedMessageType,
  ReplyPayloadOf,
  RequestPayloadOf,
} from "./ipcClient.js";
export { LineSplitter } from "./lineSplitter.js";
export { sendIpcRequest } from "./sendIpcRequest.js";
export { Subscription } from "./subscription.js";
export type { AckMode, Delivery, StreamStart, SubscribeOptions } from "./subscription.js";
// Types only: the module is empty at run time, and every type the schema adds is exported without a change here.
export * from "./generated/types.js";
