import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ClusterReport } from "../src/index.js";
import { IpcClient } from "../src/ipcClient.js";
import { within } from "./support/events.js";
import { FakeHost, requestOf, responseLine } from "./support/fakeHost.js";
import { SUITE_TIMEOUT_MS, failOnUnhandledRejections, isIpcError } from "./support/suite.js";

// control.cluster against a scripted server playing a host in a cluster: what cluster() sends and the
// report it hands back. No cluster is needed; host.test.ts asks a real host, which is in none.

const WAIT_MS = 10_000;

// Typed through the package's own export, so a type the generator stopped emitting fails the build.
const REPORT: ClusterReport = {
  enabled: true,
  self: "akka.tcp://opsclaw@10.0.0.1:4053",
  leader: "akka.tcp://opsclaw@10.0.0.2:4053",
  members: [
    {
      address: "akka.tcp://opsclaw@10.0.0.1:4053",
      status: "up",
      reachable: true,
      roles: ["edge"],
      subscriptions: 3,
      groups: [{ name: "w", pattern: "jobs.>", members: 2 }],
      streams: ["orders"],
    },
    { address: "akka.tcp://opsclaw@10.0.0.2:4053", status: "leaving", reachable: false, roles: [], subscriptions: 0, groups: [], streams: [] },
  ],
};

describe("IpcClient cluster() against a scripted server", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: FakeHost;
  before(async () => {
    host = await FakeHost.start();
  });
  after(async () => {
    await host.stop();
  });
  failOnUnhandledRejections();

  it("asks control.cluster with an empty object and resolves with the report", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const asking = client.cluster();
    assert.deepEqual(requestOf(await peer.nextLine()), { messageType: "control.cluster", payload: {} });
    await peer.write(responseLine({ messageType: "control.cluster.ok", payload: REPORT }));
    const reply = await within(asking, WAIT_MS, "control.cluster");
    assert.equal(reply.envelope.message_type, "control.cluster.ok");
    assert.deepEqual(reply.payload, REPORT);
    assert.deepEqual(reply.payload.members[0]!.groups, [{ name: "w", pattern: "jobs.>", members: 2 }]);
    assert.deepEqual(reply.payload.members[0]!.streams, ["orders"]);
    await client.close();
  });

  it("rejects with the host's error, and the connection still answers", async () => {
    const client = await IpcClient.connect(host.socketPath);
    const peer = await host.nextPeer();
    const refused = client.cluster();
    await peer.nextLine();
    await peer.write(responseLine({ messageType: "control.cluster", errorCode: "unsupported_message_type", error: "unsupported runtime message_type 'control.cluster'" }));
    await assert.rejects(refused, isIpcError("unsupported_message_type", /control\.cluster/));

    const off = { enabled: false, self: null, leader: null, members: [] };
    const again = client.cluster();
    await peer.nextLine();
    await peer.write(responseLine({ messageType: "control.cluster.ok", payload: off }));
    assert.deepEqual((await within(again, WAIT_MS, "control.cluster")).payload, off);
    await client.close();
  });
});
