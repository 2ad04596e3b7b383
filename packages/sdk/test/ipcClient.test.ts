import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { IpcConnectionError, IpcError } from "../src/errors.js";
import { IpcClient } from "../src/ipcClient.js";
import { sendIpcRequest } from "../src/sendIpcRequest.js";
import { buildIpcEnvelope } from "../src/envelope.js";
import { FakeHost, responseLine, runIdOf } from "./support/fakeHost.js";
import { trackUnhandledRejections } from "./support/unhandled.js";

// Bounds every suite, so a host that never answers fails the run instead of hanging it.
const SUITE_TIMEOUT_MS = 120_000;

describe("IpcClient against a scripted server", { timeout: SUITE_TIMEOUT_MS }, () => {
  let fake: FakeHost;
  const unhandled = trackUnhandledRejections();

  before(async () => {
    fake = await FakeHost.start();
  });
  after(async () => {
    await fake.stop();
    unhandled.stop();
    assert.deepEqual(unhandled.reasons, [], "no rejection may be left unhandled");
  });

  it("keeps later replies matched after a request times out, and drops the late reply", async () => {
    const client = await IpcClient.connect(fake.socketPath);
    const peer = await fake.nextPeer();
    const first = client.request("runtime.ping", undefined, { runId: "a", timeoutMs: 50 });
    const second = client.request("runtime.ping", undefined, { runId: "b", timeoutMs: 10_000 });
    const third = client.request("runtime.ping", undefined, { runId: "c", timeoutMs: 10_000 });
    const requests = await peer.takeLines(3);
    assert.deepEqual(requests.map(runIdOf), ["a", "b", "c"]);

    await assert.rejects(first, (error: unknown) => error instanceof IpcConnectionError && error.kind === "timeout" && /within 50 ms/.test(error.message));
    assert.equal(client.pendingCount, 3, "the timed-out slot keeps its place until its reply comes");
    await peer.write(["a", "b", "c"].map((runId) => responseLine({ messageType: "runtime.pong", runId, payload: { status: runId } })).join(""));

    assert.equal((await second).envelope.run_id, "b");
    assert.deepEqual((await third).payload, { status: "c" });
    assert.equal(client.pendingCount, 0);
    await client.close();
  });

  it("rejects with an IpcError carrying the code and the envelope for an error reply", async () => {
    const client = await IpcClient.connect(fake.socketPath);
    const peer = await fake.nextPeer();
    const reply = client.request("custom.thing", { x: 1 }, { runId: "r9" });
    await peer.nextLine();
    await peer.write(responseLine({ messageType: "", runId: "r9", errorCode: "invalid_payload", error: "invalid payload for 'custom.thing': x" }));
    await assert.rejects(reply, (error: unknown) => {
      assert.ok(error instanceof IpcError);
      assert.equal(error.code, "invalid_payload");
      assert.equal(error.envelope.run_id, "r9");
      assert.match(error.message, /invalid payload for 'custom\.thing': x \(invalid_payload\)/);
      return true;
    });
    await client.close();
  });

  it("rejects every pending request with a clear error when the server goes away", async () => {
    const client = await IpcClient.connect(fake.socketPath);
    const peer = await fake.nextPeer();
    const replies = [1, 2, 3].map((n) => client.request("runtime.ping", undefined, { runId: `p${n}` }));
    await peer.takeLines(3);
    await peer.write(responseLine({ messageType: "runtime.pong", runId: "p1", payload: { status: "ok" } }));
    peer.socket.destroy();

    const outcomes = await Promise.allSettled(replies);
    assert.equal(outcomes[0]?.status, "fulfilled");
    for (const outcome of outcomes.slice(1)) {
      assert.equal(outcome.status, "rejected");
      const reason = (outcome as PromiseRejectedResult).reason as unknown;
      assert.ok(reason instanceof IpcConnectionError);
      assert.equal(reason.kind, "closed");
      assert.match(reason.message, /closed the connection with 2 request\(s\) unanswered/);
    }
    const closedReason = await client.closed;
    assert.ok(closedReason instanceof IpcConnectionError);
    await assert.rejects(client.ping(), IpcConnectionError);
  });

  it("decodes a reply whose multi-byte characters arrive split across writes", async () => {
    const client = await IpcClient.connect(fake.socketPath);
    const peer = await fake.nextPeer();
    const reply = client.request<{ text: string }>("custom.echo", {});
    await peer.nextLine();
    const line = Buffer.from(responseLine({ messageType: "custom.echo.ok", payload: { text: "\u20ac\u{1F600}\u00e9" } }));
    const euro = line.indexOf(0xe2);
    for (const part of [line.subarray(0, euro + 1), line.subarray(euro + 1, euro + 2), line.subarray(euro + 2, euro + 5), line.subarray(euro + 5)]) {
      await peer.write(part);
    }
    assert.equal((await reply).payload.text, "\u20ac\u{1F600}\u00e9");
    await client.close();
  });

  it("types channels() and status() with the generated reports", async () => {
    const client = await IpcClient.connect(fake.socketPath);
    const peer = await fake.nextPeer();
    const channels = client.channels();
    const status = client.status();
    const requests = (await peer.takeLines(2)).map((line) => JSON.parse(line) as { message_type: string; payload_json: string });
    assert.deepEqual(requests.map((request) => [request.message_type, request.payload_json]), [["control.channels", "{}"], ["control.status", "{}"]]);
    await peer.write(
      responseLine({
        messageType: "control.channels.ok",
        payload: { channels: [{ name: "runtime", socket_path: "/s/runtime.sock", message_types: ["runtime.ping"] }] },
      }) +
        responseLine({
          messageType: "control.status.ok",
          payload: {
            version: "0.2.0",
            pid: 42,
            uptime_ms: 5,
            channels: [{ name: "runtime", connections_current: 1, connections_total: 2, requests: 3, errors: { timeout: 1 }, latency_p50_ms: 0.5, latency_p99_ms: 2 }],
          },
        }),
    );
    assert.equal((await channels).payload.channels[0]?.socket_path, "/s/runtime.sock");
    const report = (await status).payload;
    assert.equal(report.pid, 42);
    assert.equal(report.channels[0]?.errors["timeout"], 1);
    await client.close();
  });

  it("fails with the error line a server sends before closing, and refuses later requests with it", async () => {
    const client = await IpcClient.connect(fake.socketPath);
    const peer = await fake.nextPeer();
    await peer.write(responseLine({ messageType: "", errorCode: "overloaded", error: "runtime socket is at its connection limit (1)" }));
    peer.socket.end();
    const reason = await client.closed;
    assert.ok(reason instanceof IpcError);
    assert.equal(reason.code, "overloaded");
    await assert.rejects(client.ping(), (error: unknown) => error instanceof IpcError && error.code === "overloaded");
  });

  it("answers requests sent before close() and then settles closed with no reason", async () => {
    const client = await IpcClient.connect(fake.socketPath);
    const peer = await fake.nextPeer();
    const reply = client.ping();
    const closing = client.close();
    await peer.nextLine();
    await peer.write(responseLine({ messageType: "runtime.pong", payload: { status: "ok" } }));
    peer.socket.end();
    assert.equal((await reply).payload.status, "ok");
    await closing;
    assert.equal(await client.closed, undefined);
    await assert.rejects(client.ping(), (error: unknown) => error instanceof IpcConnectionError && error.kind === "closed");
  });
});

describe("sendIpcRequest against a scripted server", { timeout: SUITE_TIMEOUT_MS }, () => {
  let fake: FakeHost;

  before(async () => {
    fake = await FakeHost.start();
  });
  after(async () => {
    await fake.stop();
  });

  it("resolves with an error envelope instead of rejecting", async () => {
    const response = sendIpcRequest(fake.socketPath, buildIpcEnvelope({ messageType: "nope", runId: "x" }));
    const peer = await fake.nextPeer();
    assert.equal(runIdOf(await peer.nextLine()), "x");
    await peer.write(responseLine({ messageType: "", runId: "x", errorCode: "unsupported_message_type", error: "unsupported runtime message_type 'nope'" }));
    const envelope = await response;
    assert.equal(envelope.ok, false);
    assert.equal(envelope.error_code, "unsupported_message_type");
  });

  it("rejects when the connection ends before a full line", async () => {
    const response = sendIpcRequest(fake.socketPath, buildIpcEnvelope({ messageType: "runtime.ping" }));
    const peer = await fake.nextPeer();
    await peer.nextLine();
    await peer.write('{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.po');
    peer.socket.end();
    await assert.rejects(response, (error: unknown) => error instanceof IpcConnectionError && error.kind === "closed" && /before a full reply line/.test(error.message));
  });

  it("rejects on timeout", async () => {
    const response = sendIpcRequest(fake.socketPath, buildIpcEnvelope({ messageType: "runtime.ping" }), 50);
    const peer = await fake.nextPeer();
    await peer.nextLine();
    await assert.rejects(response, (error: unknown) => error instanceof IpcConnectionError && error.kind === "timeout");
  });

  it("rejects on a socket error, naming the path", async () => {
    const missing = `${fake.dir}/missing.sock`;
    await assert.rejects(
      sendIpcRequest(missing, buildIpcEnvelope({ messageType: "runtime.ping" })),
      (error: unknown) => error instanceof IpcConnectionError && error.kind === "socket" && error.message.includes(missing),
    );
  });
});
