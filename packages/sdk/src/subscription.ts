import { IpcConnectionError, IpcError } from "./errors.js";
import { Fifo } from "./fifo.js";
import type { DeliveryPayload, IpcResponse } from "./generated/types.js";

/** How a subscription's deliveries are settled: `"none"` at most once, `"explicit"` at least once (each one acked). */
export type AckMode = "none" | "explicit";

/** The host's `max_pending` when a subscribe names none. */
export const DEFAULT_MAX_PENDING = 1000;

export interface SubscribeOptions {
  /** A queue group: subscriptions with the same group and pattern share the messages, each to one member. */
  group?: string;
  /** `"none"` (the default) or `"explicit"`: then every delivery must be acked, or it is delivered again. */
  ack?: AckMode;
  /** Deliveries held for the subscription at once, 1–65536; default 1000. Also bounds the client's buffer. */
  maxPending?: number;
  /** How long to wait for the subscribe ack; the client's `requestTimeoutMs` by default. */
  timeoutMs?: number;
  /**
   * A stream declared in the host's configuration, read with `durable`: the pattern then filters the
   * stream's stored messages (`">"` for all of them).
   */
  stream?: string;
  /**
   * The durable consumer's name (1–128 characters of `A–Z a–z 0–9 _ -`), with `stream`: the host keeps its
   * acknowledged position across reconnects and restarts, and connections using the same name share its
   * messages. Always `ack: "explicit"`; no `group` with it.
   */
  durable?: string;
  /** Where a new durable consumer starts: `"new"` (the host's default), `"all"`, or a sequence number. One that exists ignores it. */
  start?: StreamStart;
}

/** Where a new durable consumer starts reading its stream: messages stored from now on, all it retains, or from a sequence number. */
export type StreamStart = "new" | "all" | number;

/** One message pushed to a subscription (a `runtime.message` line), with the means to settle it. */
export interface Delivery<TBody = unknown> {
  readonly subscription: string;
  readonly topic: string;
  /** The subscription's delivery number: 1, 2, 3, … strictly increasing, a redelivery gets a new one. */
  readonly delivery: number;
  /** Delivered before, to this or another member of the group. */
  readonly redelivered: boolean;
  /** The published body, parsed; its type is the subscriber's word, the SDK does not check it. */
  readonly body: TBody;
  /** The publish's key, when it had one. */
  readonly key?: string;
  /**
   * With `ack: "none"`: deliveries lost since the previous one (by the host or the client's full buffer);
   * from a stream: messages its retention deleted before this consumer read them. Absent when none.
   */
  readonly dropped?: number;
  /** The stream it was read from (durable consumers only). */
  readonly stream?: string;
  /** Its sequence number in that stream: the same on a redelivery, unlike `delivery`. */
  readonly seq?: number;
  /** The publisher's `run_id`, or null. */
  readonly runId: string | null;
  /** Acknowledges this delivery (`runtime.ack`); only for `ack: "explicit"` subscriptions. */
  ack(): Promise<void>;
  /** Hands it back (`runtime.nack`): the host delivers it again, marked `redelivered`. Only for `ack: "explicit"`. */
  nack(): Promise<void>;
}

/** What a subscription needs of its connection. */
export interface SubscriptionLink {
  /** Sends a request and resolves with its parsed reply payload. */
  send(messageType: string, payload: unknown): Promise<unknown>;
  /** The subscription is over: pushes for it are no longer routed to it. */
  forget(id: string): void;
}

type Ending = { readonly kind: "open" } | { readonly kind: "ended"; readonly error: Error | undefined };

interface Waiter<TBody> {
  resolve(result: IteratorResult<Delivery<TBody>>): void;
  reject(error: Error): void;
}

/**
 * A live subscription on one connection: an async iterable of its deliveries, in the order the
 * host pushed them. Deliveries that arrive while nobody is waiting are buffered, at most
 * `maxPending` of them: with `ack: "explicit"` the host never has more than that unacknowledged
 * (so never more unread here, as long as only deliveries already taken are acked); with
 * `ack: "none"` a delivery that finds the buffer full is dropped and counted in the next one's
 * `dropped`, just as the host does for a subscriber that does not read.
 */
export class Subscription<TBody = unknown> implements AsyncIterableIterator<Delivery<TBody>> {
  private readonly buffer = new Fifo<Delivery<TBody>>();
  private readonly waiters = new Fifo<Waiter<TBody>>();
  private ending: Ending = { kind: "open" };
  private unsubscribing: Promise<void> | undefined;
  private droppedSinceLast = 0;
  private droppedTotal = 0;
  private lastTaken = 0;

  /** Made by {@link IpcClient.subscribe} once the host acked the subscribe; not for use on its own. */
  constructor(
    private readonly link: SubscriptionLink,
    /** The host's id of the subscription, unique on its connection. */
    readonly id: string,
    readonly pattern: string,
    readonly ackMode: AckMode,
    readonly maxPending: number,
    readonly group: string | undefined,
    /** The stream it reads as a durable consumer; undefined for a live subscription. */
    readonly stream?: string,
    /** The durable consumer's name; undefined for a live subscription. */
    readonly durable?: string,
  ) {}

  /** Deliveries received and not yet taken by the consumer. */
  get bufferedCount(): number {
    return this.buffer.length;
  }

  /** Deliveries this client dropped because its buffer was full (`ack: "none"` only); the host's own drops are not in it. */
  get droppedCount(): number {
    return this.droppedTotal;
  }

  /** Whether the subscription is over: unsubscribed, or its connection gone. Buffered deliveries may still be taken. */
  get ended(): boolean {
    return this.ending.kind === "ended";
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next delivery; `done` once the subscription ended; rejects with the reason if its connection ended unexpectedly. */
  next(): Promise<IteratorResult<Delivery<TBody>>> {
    const delivery = this.buffer.shift();
    if (delivery !== undefined) {
      this.lastTaken = Math.max(this.lastTaken, delivery.delivery);
      return Promise.resolve({ done: false, value: delivery });
    }
    if (this.ending.kind === "ended") {
      return this.ending.error === undefined ? Promise.resolve({ done: true, value: undefined }) : Promise.reject(this.ending.error);
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Leaving a `for await` loop early (break, return, throw) unsubscribes. */
  async return(): Promise<IteratorResult<Delivery<TBody>>> {
    await this.unsubscribe();
    return { done: true, value: undefined };
  }

  /**
   * Ends the subscription: the iterator is done at once and deliveries still buffered are
   * discarded (unacknowledged ones of an `ack: "explicit"` subscription are delivered again by the
   * host, to another group member where there is one). Resolves once the host confirmed; calling it
   * again returns the same promise; after the connection is gone it resolves at once.
   */
  unsubscribe(): Promise<void> {
    this.unsubscribing ??= this.sendUnsubscribe();
    return this.unsubscribing;
  }

  /**
   * Acknowledges every delivery numbered up to `delivery` (`runtime.ack` with `up_to`). Only
   * deliveries already taken from the iterator may be acked, which keeps the buffer's bound: the
   * host sends no more than `maxPending` unacknowledged ones.
   */
  ackUpTo(delivery: number): Promise<void> {
    if (this.ackMode !== "explicit") {
      return Promise.reject(this.notExplicit());
    }
    if (delivery > this.lastTaken) {
      return Promise.reject(new RangeError(`cannot ack up to ${delivery} on '${this.id}': the last delivery taken is ${this.lastTaken}`));
    }
    return this.settle("runtime.ack", { subscription: this.id, up_to: delivery });
  }

  /** @internal A `runtime.message` for this subscription. */
  accept(envelope: IpcResponse, payload: DeliveryPayload): void {
    if (this.ending.kind === "ended") {
      return;
    }
    const dropped = (payload.dropped ?? 0) + this.droppedSinceLast;
    const waiter = this.waiters.shift();
    if (waiter === undefined && this.ackMode === "none" && this.buffer.length >= this.maxPending) {
      this.droppedSinceLast = dropped + 1;
      this.droppedTotal += 1;
      return;
    }
    this.droppedSinceLast = 0;
    const delivery = new ReceivedDelivery<TBody>(this, envelope, payload, dropped);
    if (waiter === undefined) {
      this.buffer.push(delivery);
    } else {
      this.lastTaken = Math.max(this.lastTaken, delivery.delivery);
      waiter.resolve({ done: false, value: delivery });
    }
  }

  /**
   * @internal The subscription is over. Waiting consumers get `done`, or the error; ones that come
   * later take what is buffered first (the connection ended: those were received), then the same.
   */
  end(error: Error | undefined, discardBuffered: boolean): void {
    if (this.ending.kind === "ended") {
      return;
    }
    this.ending = { kind: "ended", error };
    this.link.forget(this.id);
    if (discardBuffered) {
      this.buffer.drain();
    }
    for (const waiter of this.waiters.drain()) {
      if (error === undefined) {
        waiter.resolve({ done: true, value: undefined });
      } else {
        waiter.reject(error);
      }
    }
  }

  private async sendUnsubscribe(): Promise<void> {
    const wasOpen = this.ending.kind === "open";
    this.end(undefined, true);
    if (!wasOpen) {
      return;
    }
    try {
      await this.link.send("runtime.unsubscribe", { subscription: this.id });
    } catch (error) {
      // Gone already, with its connection or on the host: what unsubscribe asked for is true.
      if ((error instanceof IpcConnectionError && error.kind === "closed") || (error instanceof IpcError && error.code === "unknown_subscription")) {
        return;
      }
      throw error;
    }
  }

  /** @internal The `runtime.ack` or `runtime.nack` of one delivery taken from this subscription. */
  settleOne(messageType: "runtime.ack" | "runtime.nack", delivery: number): Promise<void> {
    if (this.ackMode !== "explicit") {
      return Promise.reject(this.notExplicit());
    }
    return this.settle(messageType, { subscription: this.id, delivery });
  }

  private async settle(messageType: string, payload: unknown): Promise<void> {
    await this.link.send(messageType, payload);
  }

  private notExplicit(): Error {
    return new Error(`subscription '${this.id}' has ack "none": its deliveries are not acknowledged (subscribe with { ack: "explicit" })`);
  }
}

/**
 * A delivery as handed to the consumer: its fields are its own enumerable properties (so it logs
 * and serializes as the data it is), its settling methods are shared, and its subscription is
 * held privately.
 */
class ReceivedDelivery<TBody> implements Delivery<TBody> {
  readonly #owner: Subscription<TBody>;
  readonly subscription: string;
  readonly topic: string;
  readonly delivery: number;
  readonly redelivered: boolean;
  readonly body: TBody;
  // Declared only: present as properties just when the delivery carries them.
  declare readonly key?: string;
  declare readonly dropped?: number;
  declare readonly stream?: string;
  declare readonly seq?: number;
  readonly runId: string | null;

  constructor(owner: Subscription<TBody>, envelope: IpcResponse, payload: DeliveryPayload, dropped: number) {
    this.#owner = owner;
    this.subscription = payload.subscription;
    this.topic = payload.topic;
    this.delivery = payload.delivery;
    this.redelivered = payload.redelivered;
    this.body = payload.body as TBody;
    if (typeof payload.key === "string") {
      (this as { key?: string }).key = payload.key;
    }
    if (dropped > 0) {
      (this as { dropped?: number }).dropped = dropped;
    }
    if (typeof payload.stream === "string") {
      (this as { stream?: string }).stream = payload.stream;
    }
    if (typeof payload.seq === "number") {
      (this as { seq?: number }).seq = payload.seq;
    }
    this.runId = envelope.run_id;
  }

  ack(): Promise<void> {
    return this.#owner.settleOne("runtime.ack", this.delivery);
  }

  nack(): Promise<void> {
    return this.#owner.settleOne("runtime.nack", this.delivery);
  }
}
