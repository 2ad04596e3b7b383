import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { IpcClient } from "../src/ipcClient.js";
import { take } from "./support/deliveries.js";
import { within } from "./support/events.js";
import { FakeHost, deliveryLine, requestOf, responseLine } from "./support/fakeHost.js";
import { SUITE_TIMEOUT_MS, failOnUnhandledRejections, isIpcError } from "./support/suite.js";

// Streams against a scripted server (docs/broker.md, "Streams"): what a durable subscribe sends, the
// stream and seq of deliveries and publish acks, and control.streams. No host with streams is needed.

const WAIT_MS = 10_000;

const REPORT = {
  storage: "sqlite",
  streams: [
    {
      name: "orders",
      subjects: ["orders.>"],
      status: "ready",
      first_seq: 3,
      last_seq: 42,
      messages: 40,
      bytes: 1234,
      consumers: [{ name: "worker", topic: ">", acked_seq: 40, pending: 2, members: 1 }],
    },
  ],
};

describe("IpcClient streams against a scripted server", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: FakeHost;
  before(async () => {
    host = await FakeHost.start();
  });
  after(async () => {
    await host.stop();
  });
  failOnUnhandledRejections();

  it("sends stream, durable and start in the wire's names, a seq as a number", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    void client.subscribe(">", { stream: "orders", durable: "worker" }).catch(() => undefined);
    void client.subscribe("orders.eu.*", { stream: "orders", durable: "eu", start: "all", maxPending: 8 }).catch(() => undefined);
    void client.subscribe(">", { stream: "orders", durable: "late", start: 42, ack: "explicit" }).catch(() => undefined);
    const lines = await peer.takeLines(3);
    assert.deepEqual(lines.map(requestOf), [
      { messageType: "runtime.subscribe", payload: { topic: ">", stream: "orders", durable: "worker" } },
      { messageType: "runtime.subscribe", payload: { topic: "orders.eu.*", max_pending: 8, stream: "orders", durable: "eu", start: "all" } },
      { messageType: "runtime.subscribe", payload: { topic: ">", ack: "explicit", stream: "orders", durable: "late", start: 42 } },
    ]);
    client.destroy();
  });

  it("makes a durable consumer explicit-ack, and its deliveries carry stream and seq", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const pending = client.subscribe<{ n: number }>(">", { stream: "orders", durable: "worker" });
    await peer.nextLine();
    await peer.write(
      responseLine({ messageType: "runtime.subscribe.ack", payload: { subscription: "s1" } }) +
        deliveryLine({ subscription: "s1", topic: "orders.o1", delivery: 1, body: { n: 1 }, key: "o1", dropped: 3, stream: "orders", seq: 42 }) +
        deliveryLine({ subscription: "s1", topic: "orders.o1", delivery: 2, redelivered: true, body: { n: 1 }, key: "o1", stream: "orders", seq: 42 }),
    );
    const subscription = await within(pending, WAIT_MS, "the subscribe");
    assert.deepEqual([subscription.ackMode, subscription.stream, subscription.durable], ["explicit", "orders", "worker"]);

    const [first, again] = await take(subscription, 2);
    const { ack: _ack, nack: _nack, ...fields } = first!;
    assert.deepEqual(fields, {
      subscription: "s1",
      topic: "orders.o1",
      delivery: 1,
      redelivered: false,
      body: { n: 1 },
      key: "o1",
      dropped: 3,
      stream: "orders",
      seq: 42,
      runId: null,
    });
    assert.deepEqual([again!.delivery, again!.redelivered, again!.seq, again!.dropped], [2, true, 42, undefined]);

    // Settled by delivery number, as any explicit-ack delivery.
    const acked = again!.ack();
    assert.deepEqual(requestOf(await peer.nextLine()), { messageType: "runtime.ack", payload: { subscription: "s1", delivery: 2 } });
    await peer.write(responseLine({ messageType: "runtime.ack.ok" }));
    await within(acked, WAIT_MS, "the ack");
    client.destroy();
  });

  it("leaves stream and seq off a live delivery", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const pending = client.subscribe("t");
    await peer.nextLine();
    await peer.write(
      responseLine({ messageType: "runtime.subscribe.ack", payload: { subscription: "s1" } }) +
        deliveryLine({ subscription: "s1", topic: "t", delivery: 1, body: 1 }),
    );
    const subscription = await within(pending, WAIT_MS, "the subscribe");
    assert.deepEqual([subscription.stream, subscription.durable, subscription.ackMode], [undefined, undefined, "none"]);
    const [delivery] = await take(subscription, 1);
    assert.equal("stream" in delivery!, false);
    assert.equal("seq" in delivery!, false);
    client.destroy();
  });

  it("resolves publish with the stream and seq of a stored message", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const stored = client.publish("orders.o1", { total: 9.9 });
    const live = client.publish("runs.r1", 1);
    await peer.takeLines(2);
    await peer.write(
      responseLine({ messageType: "runtime.publish.ack", payload: { matched: 0, stream: "orders", seq: 42 } }) +
        responseLine({ messageType: "runtime.publish.ack", payload: { matched: 1 } }),
    );
    assert.deepEqual(await stored, { matched: 0, stream: "orders", seq: 42 });
    assert.deepEqual(await live, { matched: 1 });
    await client.close();
  });

  it("asks control.streams for the report, and rejects with the host's error", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const asking = client.streams();
    assert.deepEqual(requestOf(await peer.nextLine()), { messageType: "control.streams", payload: {} });
    await peer.write(responseLine({ messageType: "control.streams.ok", payload: REPORT }));
    const reply = await within(asking, WAIT_MS, "control.streams");
    assert.deepEqual(reply.payload, REPORT);
    assert.equal(reply.envelope.message_type, "control.streams.ok");

    const refused = client.streams();
    await peer.nextLine();
    await peer.write(responseLine({ messageType: "control.streams", errorCode: "unsupported_message_type", error: "unsupported control message_type 'control.streams'" }));
    await assert.rejects(refused, isIpcError("unsupported_message_type", /control\.streams/));
    await client.close();
  });
});
