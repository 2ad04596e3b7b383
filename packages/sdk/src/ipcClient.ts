import net from "node:net";
import { buildIpcEnvelope, decodeResponseLine, encodeRequestLine } from "./envelope.js";
import { IpcConnectionError, IpcError } from "./errors.js";
import { Fifo } from "./fifo.js";
import type {
  ChannelsReport,
  ClusterReport,
  DeliveryPayload,
  IpcResponse,
  MessageCatalog,
  PublishAckPayload,
  PushCatalog,
  StatusPayload,
  StatusReport,
  StopPayload,
  StreamsReport,
  SubscribeAckPayload,
} from "./generated/types.js";
import { LineSplitter } from "./lineSplitter.js";
import { DEFAULT_MAX_PENDING, Subscription, type SubscribeOptions, type SubscriptionLink } from "./subscription.js";

export interface IpcClientOptions {
  /** How long `connect` waits for the socket to accept. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Timeout of a request that names none. Default 30000 ms, the host's own `request-timeout`. */
  requestTimeoutMs?: number;
}

export interface IpcRequestOptions {
  runId?: string;
  timeoutMs?: number;
}

/** A successful reply: the envelope and its `payload_json` parsed. */
export interface IpcReply<TPayload = unknown> {
  envelope: IpcResponse;
  payload: TPayload;
}

/** The message types the host knows, each with its request and reply payload types. */
export type KnownMessageType = keyof MessageCatalog;
export type RequestPayloadOf<T extends KnownMessageType> = MessageCatalog[T]["request_payload"];
export type ReplyPayloadOf<T extends KnownMessageType> = MessageCatalog[T]["reply_payload"];

/** The message types the host pushes unasked (never replies), each with its payload type. */
export type PushedMessageType = keyof PushCatalog;
export type PushPayloadOf<T extends PushedMessageType> = PushCatalog[T]["payload"];

/** Every pushed type: a line of one of these is routed to its subscription, never matched to a request. */
const PUSHED_TYPES: ReadonlySet<string> = new Set<PushedMessageType>(["runtime.message"]);

export interface PublishOptions {
  /** Messages with the same key go to the same queue-group member while the group's membership stays the same. */
  key?: string;
  /** Sent as the publish's `run_id`; subscribers see it as the delivery's `runId`. */
  runId?: string;
  timeoutMs?: number;
}

interface Slot {
  readonly resolve: (reply: IpcReply) => void;
  readonly reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
  /** Timed out: the slot keeps its place in the queue so later replies still line up, and its reply is dropped. */
  done: boolean;
  /**
   * Runs as the success reply is read, before the next line is, with whether the request had timed
   * out: a subscription must be routable before its first delivery, which may follow in the same read.
   */
  readonly onSuccess: ((payload: unknown, late: boolean) => void) | undefined;
}

/**
 * A persistent connection to one socket of the host. Requests may be sent without waiting for
 * earlier replies; the host answers in request order, so replies are matched to requests
 * first-in first-out. Lines the host pushes (deliveries to subscriptions) may come between any two
 * replies; they are told apart by their `message_type` and routed to their subscription.
 */
export class IpcClient {
  private readonly slots = new Fifo<Slot>();
  private readonly subscriptions = new Map<string, Subscription<unknown>>();
  /** What this client's subscriptions send through it. */
  private readonly link: SubscriptionLink = {
    send: async (messageType, payload) => (await this.send(messageType, payload, {}, undefined)).payload,
    forget: (id) => {
      this.subscriptions.delete(id);
    },
  };
  private readonly splitter = new LineSplitter();
  private failure: Error | undefined;
  private closing = false;
  private closedResolve!: (reason: Error | undefined) => void;

  /**
   * Settles (never rejects) when the connection is gone: with undefined after `close()` and a
   * clean end, else with the reason, e.g. an {@link IpcError} the host sent before closing
   * (`overloaded`, `forbidden`) or an {@link IpcConnectionError}.
   */
  readonly closed: Promise<Error | undefined>;

  private constructor(
    private readonly socket: net.Socket,
    readonly socketPath: string,
    private readonly requestTimeoutMs: number,
  ) {
    this.closed = new Promise((resolve) => {
      this.closedResolve = resolve;
    });
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) => {
      this.failure ??= new IpcConnectionError("socket", `connection to ${socketPath} failed: ${error.message}`, { cause: error });
    });
    socket.on("close", () => this.onClose());
  }

  /** Connects to a socket, e.g. `<dir>/runtime.sock` or `<dir>/control.sock`. */
  static connect(socketPath: string, options: IpcClientOptions = {}): Promise<IpcClient> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    return new Promise<IpcClient>((resolve, reject) => {
      const socket = net.createConnection({ path: socketPath });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new IpcConnectionError("timeout", `could not connect to ${socketPath} within ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      const onError = (error: Error): void => {
        clearTimeout(timer);
        reject(new IpcConnectionError("socket", `cannot connect to ${socketPath}: ${error.message}`, { cause: error }));
      };
      socket.once("error", onError);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.off("error", onError);
        resolve(new IpcClient(socket, socketPath, options.requestTimeoutMs ?? 30000));
      });
    });
  }

  /** Requests not yet answered, timed-out ones whose late reply is still due included. */
  get pendingCount(): number {
    return this.slots.length;
  }

  /**
   * Sends one request. Resolves with the reply and its parsed payload; rejects with an
   * {@link IpcError} for an error reply, or an {@link IpcConnectionError} when no reply comes.
   */
  request<T extends KnownMessageType>(
    messageType: T,
    payload?: RequestPayloadOf<T> | string,
    options?: IpcRequestOptions,
  ): Promise<IpcReply<ReplyPayloadOf<T>>>;
  request<TReply = unknown>(messageType: string, payload?: unknown, options?: IpcRequestOptions): Promise<IpcReply<TReply>>;
  request(messageType: string, payload?: unknown, options: IpcRequestOptions = {}): Promise<IpcReply> {
    return this.send(messageType, payload, options, undefined);
  }

  /**
   * Publishes `body` (any JSON value; `null` included, `undefined` is not JSON) to `topic`.
   * Resolves with the reply payload: `matched`, the deliveries the publish made (one per matching
   * subscription without a group, one per matching group); and when the topic matches a stream's
   * subjects, the `stream` it was stored in and its `seq` there (the reply comes only once it is stored).
   */
  async publish(topic: string, body: unknown, options: PublishOptions = {}): Promise<PublishAckPayload> {
    if (body === undefined) {
      throw new TypeError("publish needs a body: any JSON value, null included");
    }
    const payload = options.key === undefined ? { topic, body } : { topic, body, key: options.key };
    const reply = await this.request("runtime.publish", payload, requestOptions(options));
    return reply.payload;
  }

  /**
   * Subscribes this connection to `pattern` (`*` one token, `>` as the last token one or more).
   * Resolves once the host acked, with a {@link Subscription}: an async iterable of the deliveries.
   * Rejects with an {@link IpcError}: `invalid_payload` for a bad pattern, group or option,
   * `limit_exceeded` past the host's subscriptions per connection.
   *
   * With `{ stream, durable }` it is a durable consumer of a stream the host declares: it reads the
   * stream's stored messages from `start` (or where the durable left off), each delivery carrying
   * `stream` and `seq`, and always with `ack: "explicit"`.
   */
  subscribe<TBody = unknown>(pattern: string, options: SubscribeOptions = {}): Promise<Subscription<TBody>> {
    const payload: Record<string, unknown> = { topic: pattern };
    if (options.group !== undefined) payload["group"] = options.group;
    if (options.ack !== undefined) payload["ack"] = options.ack;
    if (options.maxPending !== undefined) payload["max_pending"] = options.maxPending;
    if (options.stream !== undefined) payload["stream"] = options.stream;
    if (options.durable !== undefined) payload["durable"] = options.durable;
    if (options.start !== undefined) payload["start"] = options.start;
    // A durable consumer is explicit-ack whether or not `ack` says so: its deliveries must be ackable here.
    const ackMode = options.ack ?? (options.durable === undefined ? "none" : "explicit");
    let subscription: Subscription<TBody> | undefined;
    const register = (reply: unknown, late: boolean): void => {
      const id = (reply as Partial<SubscribeAckPayload> | null)?.subscription;
      if (typeof id !== "string") {
        return;
      }
      if (late) {
        // Nobody holds this subscription (its subscribe timed out here), yet the host made it: end it, or it is pushed to forever.
        this.send("runtime.unsubscribe", { subscription: id }, {}, undefined).catch(() => undefined);
        return;
      }
      subscription = new Subscription<TBody>(
        this.link,
        id,
        pattern,
        ackMode,
        options.maxPending ?? DEFAULT_MAX_PENDING,
        options.group,
        options.stream,
        options.durable,
      );
      this.subscriptions.set(id, subscription);
    };
    const sent = this.send("runtime.subscribe", payload, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }, register);
    return sent.then(() => {
      if (subscription === undefined) {
        throw new IpcConnectionError("protocol", `runtime.subscribe.ack on ${this.socketPath} has no string 'subscription'`);
      }
      return subscription;
    });
  }

  private send(messageType: string, payload: unknown, options: IpcRequestOptions, onSuccess: Slot["onSuccess"]): Promise<IpcReply> {
    if (this.failure !== undefined) {
      return Promise.reject(this.failure);
    }
    if (this.socket.writableEnded || this.socket.destroyed) {
      return Promise.reject(new IpcConnectionError("closed", `the connection to ${this.socketPath} is closed`));
    }
    let line: string;
    try {
      const envelope = buildIpcEnvelope(options.runId === undefined ? { messageType, payload } : { messageType, payload, runId: options.runId });
      line = encodeRequestLine(envelope);
    } catch (error) {
      return Promise.reject(error);
    }
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    return new Promise<IpcReply>((resolve, reject) => {
      const slot: Slot = { resolve, reject, timer: undefined, done: false, onSuccess };
      slot.timer = setTimeout(() => {
        slot.done = true;
        reject(new IpcConnectionError("timeout", `no reply to ${messageType} on ${this.socketPath} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.slots.push(slot);
      this.socket.write(line);
    });
  }

  ping(): Promise<IpcReply<StatusPayload>> {
    return this.request("runtime.ping");
  }

  health(): Promise<IpcReply<StatusPayload>> {
    return this.request("control.health");
  }

  /** Asks the host to stop; it acks first, answers what is in flight, then exits. */
  stop(): Promise<IpcReply<StopPayload>> {
    return this.request("control.stop");
  }

  /** Every channel the host serves (`control.channels`). */
  channels(): Promise<IpcReply<ChannelsReport>> {
    return this.request("control.channels");
  }

  /** The host and live figures per channel (`control.status`). */
  status(): Promise<IpcReply<StatusReport>> {
    return this.request("control.status");
  }

  /** Every declared stream with its status, retained range, size and durable consumers (`control.streams`, on the control socket). */
  streams(): Promise<IpcReply<StreamsReport>> {
    return this.request("control.streams");
  }

  /**
   * The cluster as the host sees it (`control.cluster`, on the control socket): this node, the leader, and
   * every member with its status, reachability, roles, subscriptions, queue groups and the durable streams it hosts. A host outside any
   * cluster answers `{ enabled: false, self: null, leader: null, members: [] }` rather than an error.
   */
  cluster(): Promise<IpcReply<ClusterReport>> {
    return this.request("control.cluster");
  }

  /**
   * Ends the writing side; the host still answers every request already sent, then closes.
   * Resolves once the connection is closed.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (!this.socket.destroyed) {
      this.socket.end();
    }
    await this.closed;
  }

  /** Closes at once; unanswered requests reject. */
  destroy(): void {
    this.failure ??= new IpcConnectionError("closed", `the connection to ${this.socketPath} was destroyed`);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let lines: string[];
    try {
      lines = this.splitter.push(chunk);
    } catch (error) {
      this.failure ??= new IpcConnectionError("protocol", `bad data on ${this.socketPath}: ${(error as Error).message}`, { cause: error });
      this.socket.destroy();
      return;
    }
    for (const line of lines) {
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    let envelope: IpcResponse;
    try {
      envelope = decodeResponseLine(line);
    } catch (error) {
      const slot = this.slots.shift();
      this.settle(slot, () => slot?.reject(new IpcConnectionError("protocol", `bad reply on ${this.socketPath}: ${(error as Error).message}`, { cause: error })));
      return;
    }
    if (PUSHED_TYPES.has(envelope.message_type)) {
      this.onPush(envelope);
      return;
    }
    const slot = this.slots.shift();
    if (slot === undefined) {
      // A line nobody asked for: the host refusing the connection (overloaded, forbidden) as it closes it.
      this.failure ??= envelope.ok
        ? new IpcConnectionError("protocol", `unexpected ${envelope.message_type} reply on ${this.socketPath} with no request pending`)
        : new IpcError(envelope);
      this.socket.destroy();
      return;
    }
    if (!envelope.ok) {
      this.settle(slot, () => slot.reject(new IpcError(envelope)));
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(envelope.payload_json);
    } catch (error) {
      this.settle(slot, () => slot.reject(new IpcConnectionError("protocol", `${envelope.message_type} reply has a payload_json that is not JSON`, { cause: error })));
      return;
    }
    slot.onSuccess?.(payload, slot.done);
    this.settle(slot, () => slot.resolve({ envelope, payload }));
  }

  /**
   * A delivery: to its subscription, or nowhere when this connection has none by that id (one
   * already unsubscribed here, whose deliveries were in flight). A payload that is not a delivery
   * is the host breaking the contract, and fails the connection as a stray reply does.
   */
  private onPush(envelope: IpcResponse): void {
    let payload: unknown;
    try {
      payload = JSON.parse(envelope.payload_json);
    } catch {
      payload = undefined;
    }
    if (!isDelivery(payload)) {
      this.failure ??= new IpcConnectionError("protocol", `${envelope.message_type} on ${this.socketPath} is not a delivery: ${envelope.payload_json.slice(0, 200)}`);
      this.socket.destroy();
      return;
    }
    this.subscriptions.get(payload.subscription)?.accept(envelope, payload);
  }

  private settle(slot: Slot | undefined, outcome: () => void): void {
    if (slot === undefined || slot.done) {
      return;
    }
    slot.done = true;
    clearTimeout(slot.timer);
    outcome();
  }

  private onClose(): void {
    const pending = this.slots.drain();
    const unanswered = pending.filter((slot) => !slot.done).length;
    const reason =
      this.failure ?? (this.closing ? undefined : new IpcConnectionError("closed", `${this.socketPath} closed the connection`));
    this.failure ??= new IpcConnectionError("closed", `the connection to ${this.socketPath} is closed`);
    if (unanswered > 0) {
      const error = new IpcConnectionError(
        "closed",
        `${this.socketPath} closed the connection with ${unanswered} request(s) unanswered${reason instanceof IpcError ? `: ${reason.message}` : ""}`,
        reason === undefined ? undefined : { cause: reason },
      );
      for (const slot of pending) {
        this.settle(slot, () => slot.reject(error));
      }
    }
    for (const subscription of [...this.subscriptions.values()]) {
      subscription.end(reason, false);
    }
    this.closedResolve(reason);
  }
}

function requestOptions(options: PublishOptions): IpcRequestOptions {
  const result: IpcRequestOptions = {};
  if (options.runId !== undefined) result.runId = options.runId;
  if (options.timeoutMs !== undefined) result.timeoutMs = options.timeoutMs;
  return result;
}

function isDelivery(payload: unknown): payload is DeliveryPayload {
  if (typeof payload !== "object" || payload === null) {
    return false;
  }
  const fields = payload as Record<string, unknown>;
  return (
    typeof fields["subscription"] === "string" &&
    typeof fields["topic"] === "string" &&
    typeof fields["delivery"] === "number" &&
    typeof fields["redelivered"] === "boolean" &&
    "body" in fields
  );
}
