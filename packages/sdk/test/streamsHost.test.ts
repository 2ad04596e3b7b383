import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { IpcClient } from "../src/ipcClient.js";
import { take } from "./support/deliveries.js";
import { within } from "./support/events.js";
import { startHost, type RunningHost } from "./support/host.js";
import { SUITE_TIMEOUT_MS, failOnUnhandledRejections } from "./support/suite.js";

// Streams through the SDK against a real host declaring one (docs/broker.md, "Streams"). These need
// the host's stream support; streams.test.ts checks the same client code against a scripted server.

failOnUnhandledRejections();

const WAIT_MS = 20_000;

describe("streams through a real host", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: RunningHost;

  before(async () => {
    // The SQLite file is the default one, relative to the host's working directory: the test's temp dir.
    host = await startHost({ config: ['opsclaw.broker.streams.orders { subjects = ["orders.>"] }'] });
  });
  after(async () => {
    await host?.stop();
  });

  it("acks stored publishes with their seq, and a durable consumer reads them from the start and resumes after its acks", async () => {
    const publisher = await IpcClient.connect(host.runtime);
    try {
      const acks = [];
      for (let i = 1; i <= 3; i++) {
        acks.push(await publisher.publish(`orders.o${i}`, { n: i }));
      }
      assert.deepEqual(acks, [1, 2, 3].map((seq) => ({ matched: 0, stream: "orders", seq })));
      assert.deepEqual(await publisher.publish("runs.r1", 1), { matched: 0 });

      const first = await IpcClient.connect(host.runtime);
      const subscription = await first.subscribe<{ n: number }>(">", { stream: "orders", durable: "worker", start: "all" });
      assert.equal(subscription.ackMode, "explicit");
      const deliveries = await take(subscription, 3, WAIT_MS);
      assert.deepEqual(deliveries.map((delivery) => [delivery.topic, delivery.body.n, delivery.stream, delivery.seq]), [
        ["orders.o1", 1, "orders", 1],
        ["orders.o2", 2, "orders", 2],
        ["orders.o3", 3, "orders", 3],
      ]);
      await subscription.ackUpTo(deliveries[1]!.delivery);
      await first.close();

      const control = await IpcClient.connect(host.control);
      const { payload: report } = await control.streams();
      await control.close();
      assert.equal(report.storage, "sqlite");
      const [orders] = report.streams;
      assert.deepEqual([orders!.name, orders!.status, orders!.first_seq, orders!.last_seq, orders!.messages], ["orders", "ready", 1, 3, 3]);
      assert.deepEqual(orders!.consumers.map((consumer) => [consumer.name, consumer.acked_seq]), [["worker", 2]]);

      // The durable exists: start is ignored, and seq 3, never acked, comes again.
      const second = await IpcClient.connect(host.runtime);
      const resumed = await second.subscribe(">", { stream: "orders", durable: "worker", start: "new" });
      const [again] = await take(resumed, 1, WAIT_MS);
      assert.equal(again!.seq, 3);
      await again!.ack();
      await second.close();
    } finally {
      await publisher.close();
    }
  });
});
