import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { IpcConnectionError } from "../src/errors.js";
import type { IpcErrorCode } from "../src/generated/types.js";
import { IpcClient } from "../src/ipcClient.js";
import type { SubscribeOptions, Subscription } from "../src/subscription.js";
import { take } from "./support/deliveries.js";
import { within } from "./support/events.js";
import { FakeHost, deliveryLine, requestOf, responseLine, runIdOf, type Peer } from "./support/fakeHost.js";
import { SUITE_TIMEOUT_MS, failOnUnhandledRejections, isConnectionError, isIpcError } from "./support/suite.js";

// Publish and subscribe against a scripted server: the bytes the client sends, and what it makes of
// pushed runtime.message lines wherever the host may put them (docs/protocol.md: between any two
// replies, never inside one).

const WAIT_MS = 10_000;

/** Subscribes through `peer`, which acks with `id`; resolves with the subscription. */
async function subscribed<TBody = unknown>(client: IpcClient, peer: Peer, id: string, options: SubscribeOptions = {}): Promise<Subscription<TBody>> {
  const pending = client.subscribe<TBody>("runs.>", options);
  await peer.nextLine();
  await peer.write(responseLine({ messageType: "runtime.subscribe.ack", payload: { subscription: id } }));
  return within(pending, WAIT_MS, "the subscribe");
}

describe("IpcClient publish and subscribe against a scripted server", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: FakeHost;
  before(async () => {
    host = await FakeHost.start();
  });
  after(async () => {
    await host.stop();
  });
  failOnUnhandledRejections();

  it("sends publish as runtime.publish with topic, body and key, and resolves with matched", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const keyed = client.publish("runs.r42", { step: 1, note: "gr\u00fc\u00dfe" }, { key: "r42", runId: "p1" });
    const plain = client.publish("runs.r43", null);
    const [first, second] = await peer.takeLines(2);
    assert.equal(
      first,
      '{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.publish","payload_json":"{\\"topic\\":\\"runs.r42\\",\\"body\\":{\\"step\\":1,\\"note\\":\\"gr\u00fc\u00dfe\\"},\\"key\\":\\"r42\\"}","run_id":"p1"}',
    );
    assert.deepEqual(requestOf(second!), { messageType: "runtime.publish", payload: { topic: "runs.r43", body: null } });
    await peer.write(
      responseLine({ messageType: "runtime.publish.ack", runId: "p1", payload: { matched: 2 } }) +
        responseLine({ messageType: "runtime.publish.ack", payload: { matched: 0 } }),
    );
    assert.deepEqual(await keyed, { matched: 2 });
    assert.deepEqual(await plain, { matched: 0 });
    await assert.rejects(client.publish("runs.r44", undefined), TypeError);
    assert.equal(client.pendingCount, 0, "a publish without a body is refused before anything is sent");
    await client.close();
  });

  it("sends subscribe with only the options given, in the wire's names", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    void client.subscribe("runs.*").catch(() => undefined);
    void client.subscribe("runs.>", { group: "workers", ack: "explicit", maxPending: 16 }).catch(() => undefined);
    const lines = await peer.takeLines(2);
    assert.deepEqual(lines.map(requestOf), [
      { messageType: "runtime.subscribe", payload: { topic: "runs.*" } },
      { messageType: "runtime.subscribe", payload: { topic: "runs.>", group: "workers", ack: "explicit", max_pending: 16 } },
    ]);
    client.destroy();
  });

  it("routes deliveries interleaved with pipelined replies to their subscription and matches every reply to its request", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const subscribing = client.subscribe("runs.>");
    await peer.nextLine();
    // The ack and the first delivery in one read: the subscription must be routable before the next line.
    await peer.write(
      responseLine({ messageType: "runtime.subscribe.ack", payload: { subscription: "s1" } }) +
        deliveryLine({ subscription: "s1", topic: "runs.r1", delivery: 1, body: { n: 1 }, runId: "pub-1" }),
    );
    const subscription = await subscribing;
    assert.equal(subscription.id, "s1");

    const pings = ["a", "b", "c"].map((runId) => client.request("runtime.ping", undefined, { runId }));
    assert.deepEqual((await peer.takeLines(3)).map(runIdOf), ["a", "b", "c"]);
    await peer.write(
      responseLine({ messageType: "runtime.pong", runId: "a", payload: { status: "a" } }) +
        deliveryLine({ subscription: "s1", topic: "runs.r2", delivery: 2, body: [2], key: "k2" }) +
        responseLine({ messageType: "runtime.pong", runId: "b", payload: { status: "b" } }) +
        deliveryLine({ subscription: "s1", topic: "runs.r3.x", delivery: 3, redelivered: true, body: null, dropped: 4 }) +
        deliveryLine({ subscription: "s1", topic: "runs.r4", delivery: 4, body: "four" }) +
        responseLine({ messageType: "runtime.pong", runId: "c", payload: { status: "c" } }),
    );

    const replies = await Promise.all(pings);
    assert.deepEqual(
      replies.map((reply) => [reply.envelope.run_id, reply.payload.status]),
      [["a", "a"], ["b", "b"], ["c", "c"]],
    );
    assert.equal(client.pendingCount, 0);
    const deliveries = await take(subscription, 4);
    assert.deepEqual(
      deliveries.map(({ ack: _ack, nack: _nack, ...fields }) => fields),
      [
        { subscription: "s1", topic: "runs.r1", delivery: 1, redelivered: false, body: { n: 1 }, runId: "pub-1" },
        { subscription: "s1", topic: "runs.r2", delivery: 2, redelivered: false, body: [2], key: "k2", runId: null },
        { subscription: "s1", topic: "runs.r3.x", delivery: 3, redelivered: true, body: null, dropped: 4, runId: null },
        { subscription: "s1", topic: "runs.r4", delivery: 4, redelivered: false, body: "four", runId: null },
      ],
    );
    assert.equal(subscription.bufferedCount, 0);
    await client.close();
  });

  it("routes each delivery to the subscription it names, whichever the consumer awaits first", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const first = await subscribed(client, peer, "s1");
    const second = await subscribed(client, peer, "s2");
    const waiting = second.next();
    await peer.write(
      deliveryLine({ subscription: "s1", topic: "runs.a", delivery: 1, body: "a1" }) +
        deliveryLine({ subscription: "s2", topic: "runs.b", delivery: 1, body: "b1" }) +
        deliveryLine({ subscription: "s1", topic: "runs.a", delivery: 2, body: "a2" }),
    );
    assert.equal((await within(waiting, WAIT_MS, "the waiting consumer")).value?.body, "b1");
    assert.deepEqual((await take(first, 2)).map((delivery) => delivery.body), ["a1", "a2"]);
    assert.equal(second.bufferedCount, 0);
    await client.close();
  });

  it("ignores a delivery for a subscription it does not know, and stays usable", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const subscription = await subscribed(client, peer, "s1");
    const ping = client.request("runtime.ping", undefined, { runId: "p" });
    await peer.nextLine();
    await peer.write(
      deliveryLine({ subscription: "s404", topic: "runs.x", delivery: 1, body: 1 }) +
        responseLine({ messageType: "runtime.pong", runId: "p", payload: { status: "ok" } }) +
        deliveryLine({ subscription: "s1", topic: "runs.y", delivery: 1, body: 2 }),
    );
    assert.equal((await ping).envelope.run_id, "p");
    assert.equal((await take(subscription, 1))[0]?.body, 2);
    assert.equal(subscription.bufferedCount, 0, "the stray delivery went nowhere");
    const again = client.ping();
    await peer.nextLine();
    await peer.write(responseLine({ messageType: "runtime.pong", payload: { status: "ok" } }));
    assert.equal((await again).payload.status, "ok");
    await client.close();
    assert.equal(await client.closed, undefined);
  });

  it("fails the connection with protocol on a runtime.message that is not a delivery", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const subscription = await subscribed(client, peer, "s1");
    await peer.write(responseLine({ messageType: "runtime.message", payload: { subscription: "s1", topic: "runs.x" } }));
    const reason = await within(client.closed, WAIT_MS, "closed after a bad push");
    assert.ok(isConnectionError("protocol", /^runtime\.message on .* is not a delivery: /)(reason));
    await assert.rejects(subscription.next(), (error: unknown) => error === reason);
  });

  it("writes ack, nack and ackUpTo as runtime.ack and runtime.nack with the delivery number, byte for byte", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const subscription = await subscribed(client, peer, "s7", { ack: "explicit" });
    await peer.write(
      deliveryLine({ subscription: "s7", topic: "runs.a", delivery: 1, body: 1 }) + deliveryLine({ subscription: "s7", topic: "runs.b", delivery: 2, body: 2 }),
    );
    const [one, two] = await take(subscription, 2);
    const acked = one!.ack();
    const nacked = two!.nack();
    const upTo = subscription.ackUpTo(2);
    assert.deepEqual(await peer.takeLines(3), [
      '{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.ack","payload_json":"{\\"subscription\\":\\"s7\\",\\"delivery\\":1}"}',
      '{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.nack","payload_json":"{\\"subscription\\":\\"s7\\",\\"delivery\\":2}"}',
      '{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.ack","payload_json":"{\\"subscription\\":\\"s7\\",\\"up_to\\":2}"}',
    ]);
    await peer.write(
      responseLine({ messageType: "runtime.ack.ok" }) +
        responseLine({ messageType: "runtime.nack.ok" }) +
        responseLine({ messageType: "", errorCode: "unknown_delivery", error: "unknown delivery 2 of 's7'" }),
    );
    assert.equal(await acked, undefined);
    assert.equal(await nacked, undefined);
    await assert.rejects(upTo, isIpcError("unknown_delivery", /^unknown delivery 2 of 's7'$/));

    const unsubscribed = subscription.unsubscribe();
    assert.deepEqual(requestOf(await peer.nextLine()), { messageType: "runtime.unsubscribe", payload: { subscription: "s7" } });
    await peer.write(responseLine({ messageType: "runtime.unsubscribe.ack" }));
    await unsubscribed;
    await client.close();
  });

  it("refuses to ack a delivery not yet taken, and any ack on an ack-none subscription, sending nothing", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const explicit = await subscribed(client, peer, "s1", { ack: "explicit" });
    const none = await subscribed(client, peer, "s2");
    await peer.write(
      deliveryLine({ subscription: "s1", topic: "runs.a", delivery: 1, body: 1 }) +
        deliveryLine({ subscription: "s1", topic: "runs.a", delivery: 2, body: 2 }) +
        deliveryLine({ subscription: "s2", topic: "runs.a", delivery: 1, body: 1 }),
    );
    await take(explicit, 1);
    await assert.rejects(explicit.ackUpTo(2), /cannot ack up to 2 on 's1': the last delivery taken is 1/);
    const [atMostOnce] = await take(none, 1);
    await assert.rejects(atMostOnce!.ack(), /subscription 's2' has ack "none"/);
    await assert.rejects(atMostOnce!.nack(), /subscription 's2' has ack "none"/);
    await assert.rejects(none.ackUpTo(1), /subscription 's2' has ack "none"/);
    assert.equal(client.pendingCount, 0);
    await client.close();
  });

  it("rejects with the host's typed error codes for the broker's refusals", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const subscribing = client.subscribe("runs.>");
    await peer.nextLine();
    await peer.write(responseLine({ messageType: "", errorCode: "limit_exceeded", error: "subscription limit (1000) reached" }));
    await assert.rejects(subscribing, isIpcError("limit_exceeded", /^subscription limit \(1000\) reached$/));

    const raw = client.request("runtime.ack", { subscription: "s9", delivery: 1 });
    await peer.nextLine();
    await peer.write(responseLine({ messageType: "", errorCode: "unknown_subscription", error: "unknown subscription 's9'" }));
    await assert.rejects(raw, isIpcError("unknown_subscription", /^unknown subscription 's9'$/));

    // The codes are part of the generated IpcErrorCode union, so a switch over them type-checks.
    const broker: IpcErrorCode[] = ["unknown_subscription", "unknown_delivery", "limit_exceeded"];
    assert.equal(broker.length, 3);
    await client.close();
  });

  it("unsubscribes once: the iterator is done at once, buffered deliveries are dropped, later ones are ignored", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const buffered = await subscribed(client, peer, "s1", { ack: "explicit" });
    const waitedOn = await subscribed(client, peer, "s2");
    const waiting = waitedOn.next();
    const ping = client.ping();
    await peer.nextLine();
    await peer.write(
      deliveryLine({ subscription: "s1", topic: "runs.a", delivery: 1, body: 1 }) +
        deliveryLine({ subscription: "s1", topic: "runs.a", delivery: 2, body: 2 }) +
        responseLine({ messageType: "runtime.pong" }),
    );
    await ping;
    assert.equal((await buffered.next()).value?.delivery, 1);
    assert.equal(buffered.bufferedCount, 1);

    const unsubscribed = [buffered.unsubscribe(), waitedOn.unsubscribe()];
    assert.equal(buffered.unsubscribe(), unsubscribed[0], "a second call is the same request");
    assert.deepEqual(await within(waiting, WAIT_MS, "the consumer waiting at unsubscribe"), { done: true, value: undefined });
    assert.deepEqual(await buffered.next(), { done: true, value: undefined }, "delivery 2 was discarded (the host delivers it again)");
    assert.deepEqual([buffered.ended, buffered.bufferedCount], [true, 0]);
    assert.deepEqual((await peer.takeLines(2)).map(requestOf), [
      { messageType: "runtime.unsubscribe", payload: { subscription: "s1" } },
      { messageType: "runtime.unsubscribe", payload: { subscription: "s2" } },
    ]);
    // A delivery the host pushed before it read the unsubscribe goes nowhere; an unknown_subscription answer means it is gone all the same.
    await peer.write(
      deliveryLine({ subscription: "s1", topic: "runs.a", delivery: 3, body: 3 }) +
        responseLine({ messageType: "runtime.unsubscribe.ack" }) +
        responseLine({ messageType: "", errorCode: "unknown_subscription", error: "unknown subscription 's2'" }),
    );
    await within(Promise.all(unsubscribed), WAIT_MS, "the unsubscribes");
    assert.deepEqual(await buffered.next(), { done: true, value: undefined });
    assert.equal(buffered.bufferedCount, 0);
    await client.close();
  });

  it("unsubscribes when a for await loop is left early", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const subscription = await subscribed(client, peer, "s1");
    await peer.write(deliveryLine({ subscription: "s1", topic: "runs.a", delivery: 1, body: "only" }));
    const seen: unknown[] = [];
    const loop = (async () => {
      for await (const delivery of subscription) {
        seen.push(delivery.body);
        break;
      }
    })();
    assert.deepEqual(requestOf(await within(peer.nextLine(), WAIT_MS, "the unsubscribe line")), {
      messageType: "runtime.unsubscribe",
      payload: { subscription: "s1" },
    });
    await peer.write(responseLine({ messageType: "runtime.unsubscribe.ack" }));
    await within(loop, WAIT_MS, "the loop");
    assert.deepEqual(seen, ["only"]);
    assert.equal(subscription.ended, true);
    await client.close();
  });

  it("holds at most maxPending untaken ack-none deliveries, and reports the ones it dropped in the next delivery", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const subscription = await subscribed<number>(client, peer, "s1", { maxPending: 2 });
    const ping = client.ping();
    await peer.nextLine();
    await peer.write(
      [1, 2, 3, 4, 5].map((n) => deliveryLine({ subscription: "s1", topic: "runs.a", delivery: n, body: n, ...(n === 4 ? { dropped: 10 } : {}) })).join("") +
        responseLine({ messageType: "runtime.pong", payload: { status: "ok" } }),
    );
    await ping;
    assert.equal(subscription.bufferedCount, 2);
    assert.equal(subscription.droppedCount, 3);
    await peer.write(deliveryLine({ subscription: "s1", topic: "runs.a", delivery: 6, body: 6, dropped: 1 }));
    const taken = await take(subscription, 3);
    // 3, 4 and 5 dropped here, plus the host's 10 before 4 and 1 before 6.
    assert.deepEqual(
      taken.map((delivery) => [delivery.body, delivery.dropped]),
      [[1, undefined], [2, undefined], [6, 14]],
    );
    await client.close();
  });

  it("does not bound an explicit-ack buffer by dropping: the host sends no more than maxPending unacknowledged", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const subscription = await subscribed<number>(client, peer, "s1", { ack: "explicit", maxPending: 2 });
    const ping = client.ping();
    await peer.nextLine();
    await peer.write([1, 2, 3].map((n) => deliveryLine({ subscription: "s1", topic: "runs.a", delivery: n, body: n })).join("") + responseLine({ messageType: "runtime.pong" }));
    await ping;
    assert.deepEqual((await take(subscription, 3)).map((delivery) => delivery.body), [1, 2, 3], "nothing at least once is lost here");
    assert.equal(subscription.droppedCount, 0);
    await client.close();
  });

  it("unsubscribes a subscription whose ack came after its subscribe timed out", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const subscribing = client.subscribe("runs.>", { timeoutMs: 50 });
    await peer.nextLine();
    await assert.rejects(subscribing, isConnectionError("timeout", /^no reply to runtime\.subscribe on .* within 50 ms$/));
    await peer.write(
      responseLine({ messageType: "runtime.subscribe.ack", payload: { subscription: "s3" } }) +
        deliveryLine({ subscription: "s3", topic: "runs.a", delivery: 1, body: 1 }),
    );
    assert.deepEqual(requestOf(await within(peer.nextLine(), WAIT_MS, "the unsubscribe")), {
      messageType: "runtime.unsubscribe",
      payload: { subscription: "s3" },
    });
    await peer.write(responseLine({ messageType: "runtime.unsubscribe.ack" }));
    const ping = client.ping();
    await peer.nextLine();
    await peer.write(responseLine({ messageType: "runtime.pong", payload: { status: "ok" } }));
    assert.equal((await ping).payload.status, "ok", "replies still line up");
    await client.close();
  });
});

describe("a subscription when its connection ends", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: FakeHost;
  before(async () => {
    host = await FakeHost.start();
  });
  after(async () => {
    await host.stop();
  });
  failOnUnhandledRejections();

  it("after close(): hands out what was received, then is done", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const subscription = await subscribed(client, peer, "s1");
    const waiting = subscription.next();
    const closing = client.close();
    await peer.write(deliveryLine({ subscription: "s1", topic: "runs.a", delivery: 1, body: "a" }) + deliveryLine({ subscription: "s1", topic: "runs.a", delivery: 2, body: "b" }));
    peer.socket.end();
    await within(closing, WAIT_MS, "close()");
    assert.equal((await waiting).value?.body, "a");
    assert.equal((await subscription.next()).value?.body, "b");
    assert.deepEqual(await subscription.next(), { done: true, value: undefined });
    assert.equal(subscription.ended, true);
    await subscription.unsubscribe();
  });

  it("when the host goes away: a waiting consumer and later ones get the reason, after what was buffered", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const idle = await subscribed(client, peer, "s1");
    const busy = await subscribed(client, peer, "s2");
    const waiting = busy.next();
    await peer.write(deliveryLine({ subscription: "s1", topic: "runs.a", delivery: 1, body: "kept" }));
    peer.socket.destroy();

    const reason = await within(client.closed, WAIT_MS, "closed");
    assert.ok(isConnectionError("closed", /closed the connection$/)(reason));
    await assert.rejects(within(waiting, WAIT_MS, "the waiting consumer"), (error: unknown) => error === reason);
    assert.equal((await idle.next()).value?.body, "kept");
    await assert.rejects(idle.next(), (error: unknown) => error === reason);
    await assert.rejects(idle.next(), (error: unknown) => error === reason, "it stays ended");
    await idle.unsubscribe();
  });

  it("after destroy(): ends every subscription with the destroy as reason", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const subscription = await subscribed(client, peer, "s1");
    const waiting = subscription.next();
    client.destroy();
    await assert.rejects(within(waiting, WAIT_MS, "the waiting consumer"), (error: unknown) => error instanceof IpcConnectionError && /was destroyed$/.test(error.message));
  });
});
