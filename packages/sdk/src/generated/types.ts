/* Generated from docs/schema/opsclaw-ipc.v1alpha1.schema.json by scripts/generate-types.sh. Do not edit: change the C# contract types and run the script. */

/**
 * The stable error_code of an error response (docs/protocol.md §4).
 */
export type IpcErrorCode =
  | "frame_too_large"
  | "malformed_json"
  | "invalid_envelope"
  | "invalid_schema_version"
  | "unsupported_message_type"
  | "invalid_payload"
  | "handler_failed"
  | "timeout"
  | "forbidden"
  | "overloaded"
  | "shutting_down"
  | "unknown_subscription"
  | "unknown_delivery"
  | "limit_exceeded";

/**
 * The opsclaw.ipc.v1alpha1 wire contract of the OpsClaw host, generated from its C# types by 'opsclaw schema'.
 */
export interface OpsClawIpcContract {
  request?: IpcRequest;
  response?: IpcResponse;
  error_code?: IpcErrorCode;
  messages?: MessageCatalog;
  pushes?: PushCatalog;
}
/**
 * A request line: one JSON object on one line (docs/protocol.md §2). Unknown fields are ignored by the server.
 */
export interface IpcRequest {
  schema_version: "opsclaw.ipc.v1alpha1";
  message_type: string;
  run_id?: null | string;
  payload_json: string;
}
/**
 * A response line: all seven fields, in this order, null where empty (docs/protocol.md §3).
 */
export interface IpcResponse {
  schema_version: "opsclaw.ipc.v1alpha1";
  message_type: string;
  run_id: null | string;
  payload_json: string;
  ok: boolean;
  error: null | string;
  error_code: null | IpcErrorCode;
}
/**
 * Every built-in request message_type with its channel, reply message_type and payload types (payload_json holds the payload encoded as a string).
 */
export interface MessageCatalog {
  "runtime.ping": {
    channel: "runtime";
    reply_type: "runtime.pong";
    request_payload: EmptyPayload;
    reply_payload: StatusPayload;
  };
  /**
   * Takes any JSON value as its request payload.
   */
  "runtime.forward": {
    channel: "runtime";
    reply_type: "runtime.forward.ack";
    request_payload: unknown;
    reply_payload: AcceptedPayload;
  };
  "runtime.publish": {
    channel: "runtime";
    reply_type: "runtime.publish.ack";
    request_payload: PublishPayload;
    reply_payload: PublishAckPayload;
  };
  "runtime.subscribe": {
    channel: "runtime";
    reply_type: "runtime.subscribe.ack";
    request_payload: SubscribePayload;
    reply_payload: SubscribeAckPayload;
  };
  "runtime.unsubscribe": {
    channel: "runtime";
    reply_type: "runtime.unsubscribe.ack";
    request_payload: UnsubscribePayload;
    reply_payload: EmptyPayload;
  };
  "runtime.ack": {
    channel: "runtime";
    reply_type: "runtime.ack.ok";
    request_payload: AckPayload;
    reply_payload: EmptyPayload;
  };
  "runtime.nack": {
    channel: "runtime";
    reply_type: "runtime.nack.ok";
    request_payload: NackPayload;
    reply_payload: EmptyPayload;
  };
  "control.health": {
    channel: "control";
    reply_type: "control.health.ok";
    request_payload: EmptyPayload;
    reply_payload: StatusPayload;
  };
  "control.stop": {
    channel: "control";
    reply_type: "control.stop.ack";
    request_payload: EmptyPayload;
    reply_payload: StopPayload;
  };
  "control.channels": {
    channel: "control";
    reply_type: "control.channels.ok";
    request_payload: EmptyPayload;
    reply_payload: ChannelsReport;
  };
  "control.status": {
    channel: "control";
    reply_type: "control.status.ok";
    request_payload: EmptyPayload;
    reply_payload: StatusReport;
  };
  "control.topics": {
    channel: "control";
    reply_type: "control.topics.ok";
    request_payload: EmptyPayload;
    reply_payload: TopicsReport;
  };
  "control.streams": {
    channel: "control";
    reply_type: "control.streams.ok";
    request_payload: EmptyPayload;
    reply_payload: StreamsReport;
  };
  "control.cluster": {
    channel: "control";
    reply_type: "control.cluster.ok";
    request_payload: EmptyPayload;
    reply_payload: ClusterReport;
  };
}
export interface EmptyPayload {}
export interface StatusPayload {
  status: string;
}
export interface AcceptedPayload {
  accepted: boolean;
}
export interface PublishPayload {
  topic: string;
  body: unknown;
  key?: null | string;
}
export interface PublishAckPayload {
  matched: number;
  stream?: null | string;
  seq?: number | null;
}
export interface SubscribePayload {
  topic: string;
  group?: null | string;
  ack?: null | string;
  max_pending?: number | null;
  stream?: null | string;
  durable?: null | string;
  start?: unknown;
}
export interface SubscribeAckPayload {
  subscription: string;
}
export interface UnsubscribePayload {
  subscription: string;
}
export interface AckPayload {
  subscription: string;
  delivery?: number | null;
  up_to?: number | null;
}
export interface NackPayload {
  subscription: string;
  delivery: number;
}
export interface StopPayload {
  stop: string;
}
export interface ChannelsReport {
  channels: ChannelInfo[];
}
export interface ChannelInfo {
  name: string;
  socket_path: string;
  message_types: string[];
}
export interface StatusReport {
  version: string;
  pid: number;
  uptime_ms: number;
  channels: ChannelStatus[];
  broker: BrokerTotals;
}
export interface ChannelStatus {
  name: string;
  connections_current: number;
  connections_total: number;
  requests: number;
  errors: {
    [k: string]: number;
  };
  latency_p50_ms: number;
  latency_p99_ms: number;
}
export interface BrokerTotals {
  published: number;
  delivered: number;
  redelivered: number;
  dropped: number;
  refused: number;
  subscriptions: number;
}
export interface TopicsReport {
  patterns: TopicPatternInfo[];
}
export interface TopicPatternInfo {
  pattern: string;
  subscriptions: SubscriptionInfo[];
  groups: GroupInfo[];
}
export interface SubscriptionInfo {
  connection: string;
  subscription: string;
  ack: string;
  max_pending: number;
  pending: number;
  queued: number;
  delivered: number;
  redelivered: number;
  dropped: number;
}
export interface GroupInfo {
  name: string;
  ack: string;
  queued: number;
  members: SubscriptionInfo[];
}
export interface StreamsReport {
  storage: string;
  streams: StreamInfo[];
}
export interface StreamInfo {
  name: string;
  subjects: string[];
  status: string;
  first_seq: number;
  last_seq: number;
  messages: number;
  bytes: number;
  consumers: StreamConsumerInfo[];
}
export interface StreamConsumerInfo {
  name: string;
  topic: string;
  acked_seq: number;
  pending: number;
  members: number;
}
export interface ClusterReport {
  enabled: boolean;
  self: null | string;
  leader: null | string;
  members: ClusterMemberInfo[];
}
export interface ClusterMemberInfo {
  address: string;
  status: string;
  reachable: boolean;
  roles: string[];
  subscriptions: number;
  groups: ClusterGroupInfo[];
  streams: string[];
}
export interface ClusterGroupInfo {
  name: string;
  pattern: string;
  members: number;
}
/**
 * Every message_type the host pushes without a request (the broker's deliveries, docs/protocol.md §9.3), with its payload type. A pushed line is never a reply: a client tells it apart by message_type.
 */
export interface PushCatalog {
  "runtime.message": {
    payload: DeliveryPayload;
  };
}
export interface DeliveryPayload {
  subscription: string;
  topic: string;
  delivery: number;
  redelivered: boolean;
  body: unknown;
  key?: null | string;
  dropped?: number | null;
  stream?: null | string;
  seq?: number | null;
}
