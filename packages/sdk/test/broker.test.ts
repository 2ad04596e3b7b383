import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { IpcClient } from "../src/ipcClient.js";
import { take } from "./support/deliveries.js";
import { within } from "./support/events.js";
import { startHost, type RunningHost } from "./support/host.js";
import { SUITE_TIMEOUT_MS, failOnUnhandledRejections, isConnectionError, isIpcError } from "./support/suite.js";

// Publish and subscribe through the SDK against the real host: what ipcClient's unit tests script,
// here produced by the broker itself.

failOnUnhandledRejections();

const WAIT_MS = 20_000;

/** Opens `count` runtime connections, closed again by the returned function. */
async function connections(host: RunningHost, count: number): Promise<{ clients: IpcClient[]; close: () => Promise<void> }> {
  const clients = await Promise.all(Array.from({ length: count }, () => IpcClient.connect(host.runtime)));
  return { clients, close: async () => void (await Promise.all(clients.map((client) => client.close()))) };
}

describe("publish and subscribe through the real host", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: RunningHost;

  before(async () => {
    host = await startHost();
  });
  after(async () => {
    await host?.stop();
  });

  it("delivers a publish to a matching subscription with every field, in publish order", async () => {
    const { clients: [subscriber, publisher], close } = await connections(host, 2);
    try {
      const subscription = await subscriber!.subscribe<{ n: number; text?: string }>("runs.*");
      assert.match(subscription.id, /\S/);

      assert.deepEqual(await publisher!.publish("runs.r42", { n: 0, text: "gr\u00fc\u00dfe \u{1F600}" }, { key: "r42", runId: "pub-0" }), { matched: 1 });
      assert.deepEqual(await publisher!.publish("runs.r42.deeper", { n: -1 }), { matched: 0 }, "* is exactly one token");
      assert.deepEqual(await publisher!.publish("other.r42", { n: -2 }), { matched: 0 });
      const [first] = await take(subscription, 1, WAIT_MS);
      const { ack: _ack, nack: _nack, ...fields } = first!;
      assert.deepEqual(fields, {
        subscription: subscription.id,
        topic: "runs.r42",
        delivery: 1,
        redelivered: false,
        body: { n: 0, text: "gr\u00fc\u00dfe \u{1F600}" },
        key: "r42",
        runId: "pub-0",
      });

      const count = 500;
      const acks = Array.from({ length: count }, (_, i) => publisher!.publish(`runs.r${i}`, { n: i + 1 }));
      assert.ok((await Promise.all(acks)).every((ack) => ack.matched === 1));
      const rest = await take(subscription, count, WAIT_MS);
      assert.deepEqual(rest.map((delivery) => delivery.body.n), Array.from({ length: count }, (_, i) => i + 1), "in publish order");
      assert.deepEqual(rest.map((delivery) => delivery.delivery), Array.from({ length: count }, (_, i) => i + 2), "numbered 2, 3, …");
      assert.ok(rest.every((delivery) => delivery.key === undefined && delivery.runId === null && delivery.dropped === undefined));
    } finally {
      await close();
    }
  });

  it("keeps replies matched to pipelined requests while deliveries arrive between them, and a subscriber gets its own publishes", async () => {
    const { clients: [client], close } = await connections(host, 1);
    try {
      const subscription = await client!.subscribe<number>("mixed.>");
      const count = 1_000;
      const replies = Array.from({ length: count }, (_, i) =>
        i % 2 === 0 ? client!.request("runtime.ping", undefined, { runId: `p${i}` }) : client!.publish(`mixed.n.${i}`, i, { runId: `p${i}` }),
      );
      const settled = await Promise.all(replies);
      settled.forEach((reply, i) => {
        if (i % 2 === 0) {
          assert.equal((reply as { envelope: { run_id: string | null } }).envelope.run_id, `p${i}`);
        } else {
          assert.deepEqual(reply, { matched: 1 });
        }
      });
      const deliveries = await take(subscription, count / 2, WAIT_MS);
      assert.deepEqual(
        deliveries.map((delivery) => [delivery.body, delivery.runId]),
        Array.from({ length: count / 2 }, (_, i) => [2 * i + 1, `p${2 * i + 1}`]),
      );
      assert.equal(client!.pendingCount, 0);
    } finally {
      await close();
    }
  });

  it("shares a queue group's messages between two clients, each message to exactly one, a key always to the same one", async () => {
    const { clients: [first, second, publisher], close } = await connections(host, 3);
    try {
      const members = [await first!.subscribe<number>("jobs.>", { group: "workers" }), await second!.subscribe<number>("jobs.>", { group: "workers" })];
      const count = 400;
      const unkeyed = Array.from({ length: count }, (_, i) => publisher!.publish("jobs.build", i));
      const keyed = Array.from({ length: 50 }, (_, i) => publisher!.publish("jobs.build", count + i, { key: "same-run" }));
      const acks = await Promise.all([...unkeyed, ...keyed]);
      assert.ok(acks.every((ack) => ack.matched === 1), "a group counts once");

      const received: number[][] = [[], []];
      const total = count + 50;
      let allReceived!: () => void;
      const everyMessage = new Promise<void>((resolve) => {
        allReceived = resolve;
      });
      // The loops run until unsubscribed, so a message delivered twice would land in `received` too.
      const consumers = members.map(async (member, m) => {
        for await (const delivery of member) {
          received[m]!.push(delivery.body);
          if (received[0]!.length + received[1]!.length === total) {
            allReceived();
          }
        }
      });
      await within(everyMessage, WAIT_MS, "the group receiving every message");
      // Each client reads a reply only after every line the host wrote before it.
      await Promise.all([first!.ping(), second!.ping()]);
      await Promise.all(members.map((member) => member.unsubscribe()));
      await within(Promise.all(consumers), WAIT_MS, "the loops ending");

      const all = [...received[0]!, ...received[1]!].sort((a, b) => a - b);
      assert.deepEqual(all, Array.from({ length: total }, (_, i) => i), "every message exactly once");
      const unkeyedShare = received.map((bodies) => bodies.filter((body) => body < count).length);
      assert.ok(unkeyedShare.every((share) => share >= count * 0.4), `round-robin spreads the unkeyed ones: ${unkeyedShare.join(" / ")}`);
      const keyedOwners = received.map((bodies) => bodies.some((body) => body >= count));
      assert.equal(keyedOwners.filter(Boolean).length, 1, "every message of one key went to one member");
    } finally {
      await close();
    }
  });

  it("explicit acks: a nacked delivery comes again as a new delivery marked redelivered; acks settle it for good", async () => {
    const { clients: [subscriber, publisher], close } = await connections(host, 2);
    try {
      const subscription = await subscriber!.subscribe<string>("work.*", { ack: "explicit", maxPending: 8 });
      await publisher!.publish("work.a", "first", { runId: "w1" });
      const [first] = await take(subscription, 1, WAIT_MS);
      assert.deepEqual([first!.delivery, first!.redelivered, first!.body, first!.runId], [1, false, "first", "w1"]);
      await first!.nack();

      const [again] = await take(subscription, 1, WAIT_MS);
      assert.deepEqual([again!.delivery, again!.redelivered, again!.body, again!.runId, again!.topic], [2, true, "first", "w1", "work.a"]);
      await again!.ack();
      await assert.rejects(again!.ack(), isIpcError("unknown_delivery", new RegExp(`^unknown delivery 2 of '${subscription.id}'$`)));
      await assert.rejects(first!.nack(), isIpcError("unknown_delivery"), "a nacked delivery is settled under its old number");

      await Promise.all([1, 2, 3].map((n) => publisher!.publish("work.b", `n${n}`)));
      const batch = await take(subscription, 3, WAIT_MS);
      assert.deepEqual(batch.map((delivery) => [delivery.delivery, delivery.body]), [[3, "n1"], [4, "n2"], [5, "n3"]]);
      await subscription.ackUpTo(5);
      await assert.rejects(batch[1]!.ack(), isIpcError("unknown_delivery"), "ackUpTo settled it");
      await subscription.unsubscribe();
      await assert.rejects(batch[2]!.nack(), isIpcError("unknown_subscription", new RegExp(`^unknown subscription '${subscription.id}'$`)));
    } finally {
      await close();
    }
  });

  it("explicit acks: what a member left unacked when it unsubscribed goes to the other member, redelivered", async () => {
    const { clients: [leaving, staying, publisher], close } = await connections(host, 3);
    try {
      const left = await leaving!.subscribe<string>("hand.>", { group: "pair", ack: "explicit" });
      // Published while the leaver is the group's only member, so all twenty are its.
      const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => publisher!.publish("hand.off", `m${i}`)));
      assert.ok(acks.every((ack) => ack.matched === 1));
      const held = await take(left, 20, WAIT_MS);
      const stay = await staying!.subscribe<string>("hand.>", { group: "pair", ack: "explicit" });
      await left.unsubscribe();
      const moved = await take(stay, 20, WAIT_MS);
      assert.deepEqual(moved.map((delivery) => delivery.body).sort(), held.map((delivery) => delivery.body).sort());
      assert.ok(moved.every((delivery) => delivery.redelivered), "each marked redelivered");
      await stay.ackUpTo(moved[moved.length - 1]!.delivery);
    } finally {
      await close();
    }
  });

  it("ack none: a subscriber that does not read holds at most maxPending, and every message lost is counted in a later delivery", async () => {
    const { clients: [subscriber, publisher], close } = await connections(host, 2);
    try {
      const maxPending = 4;
      const subscription = await subscriber!.subscribe<number | string>("burst.>", { maxPending });
      const count = 200;
      await Promise.all(Array.from({ length: count }, (_, i) => publisher!.publish("burst.x", i)));
      // Every line the host wrote before this reply has been read; at most maxPending more are unwritten on the host.
      await subscriber!.ping();
      assert.ok(subscription.bufferedCount <= maxPending, `buffered ${subscription.bufferedCount}`);

      const taken = await take(subscription, subscription.bufferedCount, WAIT_MS);
      // With a consumer waiting, what is still to come (the host's unwritten ones, then this) fits the buffer, so it is not lost.
      await publisher!.publish("burst.x", "final");
      for (;;) {
        const [delivery] = await take(subscription, 1, WAIT_MS);
        taken.push(delivery!);
        if (delivery!.body === "final") break;
      }
      const received = taken.length;
      const lost = taken.reduce((sum, delivery) => sum + (delivery.dropped ?? 0), 0);
      assert.equal(received + lost, count + 1, `received ${received}, lost ${lost} (${subscription.droppedCount} of them here)`);
      assert.ok(lost > 0, "a burst of 200 into 4 places loses some");
      const numbers = taken.map((delivery) => delivery.delivery);
      assert.ok(numbers.every((n, i) => i === 0 || n > numbers[i - 1]!), "delivery numbers strictly increase");
      const bodies = taken.slice(0, -1).map((delivery) => delivery.body as number);
      assert.ok(bodies.every((n, i) => i === 0 || n > bodies[i - 1]!), "what arrives is in publish order");
    } finally {
      await close();
    }
  });

  it("unsubscribe ends the iterator, and the host stops matching the subscription", async () => {
    const { clients: [subscriber, publisher], close } = await connections(host, 2);
    try {
      const subscription = await subscriber!.subscribe<number>("gone.>");
      const seen: number[] = [];
      let ended!: () => void;
      const consumed = new Promise<void>((resolve) => {
        ended = resolve;
      });
      const firstSeen = new Promise<void>((resolve) => {
        void (async () => {
          for await (const delivery of subscription) {
            seen.push(delivery.body);
            resolve();
          }
          ended();
        })();
      });
      assert.deepEqual(await publisher!.publish("gone.x", 1), { matched: 1 });
      await within(firstSeen, WAIT_MS, "the first delivery");
      await subscription.unsubscribe();
      await within(consumed, WAIT_MS, "the loop ending");
      assert.deepEqual(seen, [1]);
      assert.deepEqual(await publisher!.publish("gone.x", 2), { matched: 0 });
      assert.deepEqual(await subscription.next(), { done: true, value: undefined });
    } finally {
      await close();
    }
  });

  it("ends the iterator when the subscriber closes, and the host forgets its subscriptions", async () => {
    const { clients: [subscriber, publisher], close } = await connections(host, 2);
    try {
      const subscription = await subscriber!.subscribe("closing.>");
      const waiting = subscription.next();
      await subscriber!.close();
      assert.deepEqual(await within(waiting, WAIT_MS, "the waiting consumer"), { done: true, value: undefined });
      assert.deepEqual(await publisher!.publish("closing.x", 1), { matched: 0 });
    } finally {
      await close();
    }
  });

  it("rejects a bad pattern with invalid_payload and an unknown subscription with unknown_subscription", async () => {
    const { clients: [client], close } = await connections(host, 1);
    try {
      await assert.rejects(client!.subscribe("runs.>.x"), isIpcError("invalid_payload"));
      await assert.rejects(client!.publish("runs.*", 1), isIpcError("invalid_payload"));
      await assert.rejects(client!.request("runtime.unsubscribe", { subscription: "nope" }), isIpcError("unknown_subscription", /^unknown subscription 'nope'$/));
      assert.deepEqual((await client!.ping()).payload, { status: "ok" }, "the connection still serves");
    } finally {
      await close();
    }
  });
});

describe("subscriptions when the host goes away", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: RunningHost;

  before(async () => {
    host = await startHost();
  });
  after(async () => {
    await host?.stop();
  });

  it("rejects a waiting consumer with closed when the host is killed", async () => {
    const subscriber = await IpcClient.connect(host.runtime);
    const subscription = await subscriber.subscribe("any.>");
    const waiting = subscription.next();
    assert.ok(host.process.kill("SIGKILL"), "SIGKILL sent to the host's pid");
    await assert.rejects(within(waiting, WAIT_MS, "the waiting consumer"), (error: unknown) => isConnectionError("closed")(error) || isConnectionError("socket")(error));
    assert.equal(subscription.ended, true);
  });
});

describe("limits of the broker, configured small", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: RunningHost;

  before(async () => {
    host = await startHost({ config: ["opsclaw.broker.max-subscriptions-per-connection = 2"] });
  });
  after(async () => {
    await host?.stop();
  });

  it("rejects a subscribe past the per-connection limit with limit_exceeded", async () => {
    const client = await IpcClient.connect(host.runtime);
    try {
      await client.subscribe("a.>");
      await client.subscribe("b.>");
      await assert.rejects(client.subscribe("c.>"), isIpcError("limit_exceeded", /^subscription limit \(2\) reached$/));
    } finally {
      await client.close();
    }
  });
});
