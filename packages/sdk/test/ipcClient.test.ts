import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { IpcConnectionError, IpcError } from "../src/errors.js";
import { IpcClient } from "../src/ipcClient.js";
import { sendIpcRequest } from "../src/sendIpcRequest.js";
import { buildIpcEnvelope } from "../src/envelope.js";
import { within } from "./support/events.js";
import { FakeHost, responseLine, runIdOf } from "./support/fakeHost.js";
import { SUITE_TIMEOUT_MS, failOnUnhandledRejections, isConnectionError } from "./support/suite.js";

/** A {@link FakeHost} started before the suite's tests and stopped after them; the suite also fails if any rejection was left unhandled. */
function scriptedServer(): { host: FakeHost } {
  const fixture = {} as { host: FakeHost };
  before(async () => {
    fixture.host = await FakeHost.start();
  });
  after(async () => {
    await fixture.host.stop();
  });
  failOnUnhandledRejections();
  return fixture;
}

describe("IpcClient against a scripted server", { timeout: SUITE_TIMEOUT_MS }, () => {
  const scripted = scriptedServer();

  it("keeps later replies matched after a request times out, and drops the late reply", async () => {
    const client = await IpcClient.connect(scripted.host.socketPath);
    const peer = await scripted.host.nextPeer();
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
    const client = await IpcClient.connect(scripted.host.socketPath);
    const peer = await scripted.host.nextPeer();
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
    const client = await IpcClient.connect(scripted.host.socketPath);
    const peer = await scripted.host.nextPeer();
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
    const client = await IpcClient.connect(scripted.host.socketPath);
    const peer = await scripted.host.nextPeer();
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
    const client = await IpcClient.connect(scripted.host.socketPath);
    const peer = await scripted.host.nextPeer();
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
    const client = await IpcClient.connect(scripted.host.socketPath);
    const peer = await scripted.host.nextPeer();
    await peer.write(responseLine({ messageType: "", errorCode: "overloaded", error: "runtime socket is at its connection limit (1)" }));
    peer.socket.end();
    const reason = await client.closed;
    assert.ok(reason instanceof IpcError);
    assert.equal(reason.code, "overloaded");
    await assert.rejects(client.ping(), (error: unknown) => error instanceof IpcError && error.code === "overloaded");
  });

  it("answers requests sent before close() and then settles closed with no reason", async () => {
    const client = await IpcClient.connect(scripted.host.socketPath);
    const peer = await scripted.host.nextPeer();
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

describe("IpcClient against a peer that breaks the protocol", { timeout: SUITE_TIMEOUT_MS }, () => {
  const scripted = scriptedServer();

  it("rejects with protocol a reply line that is not a response envelope, and matches the next reply to the next request", async () => {
    const client = await IpcClient.connect(scripted.host.socketPath);
    const peer = await scripted.host.nextPeer();
    const garbled = client.request("runtime.ping", undefined, { runId: "g1" });
    const notEnvelope = client.request("runtime.ping", undefined, { runId: "g2" });
    const badPayload = client.request("runtime.ping", undefined, { runId: "g3" });
    const fine = client.request("runtime.ping", undefined, { runId: "g4" });
    await peer.takeLines(4);
    await peer.write(
      "this is not json\n" +
        '{"ok":true}\n' +
        '{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.pong","run_id":"g3","payload_json":"{not json","ok":true,"error":null,"error_code":null}\n' +
        responseLine({ messageType: "runtime.pong", runId: "g4", payload: { status: "ok" } }),
    );
    await assert.rejects(garbled, isConnectionError("protocol", /^bad reply on .*: response line is not JSON/));
    await assert.rejects(notEnvelope, isConnectionError("protocol", /^bad reply on .*: response has no string 'message_type'$/));
    await assert.rejects(badPayload, isConnectionError("protocol", /^runtime\.pong reply has a payload_json that is not JSON$/));
    assert.equal((await fine).envelope.run_id, "g4");
    assert.equal(client.pendingCount, 0);
    await client.close();
  });

  it("fails the connection with protocol on a success reply nobody asked for, and refuses later requests with it", async () => {
    const client = await IpcClient.connect(scripted.host.socketPath);
    const peer = await scripted.host.nextPeer();
    const peerClosed = new Promise((resolve) => peer.socket.once("close", resolve));
    await peer.write(responseLine({ messageType: "runtime.pong", runId: "stray", payload: { status: "ok" } }));
    const reason = await within(client.closed, 10_000, "closed after a stray reply");
    assert.ok(isConnectionError("protocol", /^unexpected runtime\.pong reply on .* with no request pending$/)(reason));
    await within(peerClosed, 10_000, "the client dropping the connection");
    await assert.rejects(client.ping(), (error: unknown) => error === reason);
  });

  it("sendIpcRequest rejects with protocol a reply line that is not a response envelope", async () => {
    const response = sendIpcRequest(scripted.host.socketPath, buildIpcEnvelope({ messageType: "runtime.ping" }));
    const peer = await scripted.host.nextPeer();
    await peer.nextLine();
    await peer.write("[1,2,3]\n");
    await assert.rejects(response, isConnectionError("protocol", /response line is not a JSON object$/));
  });
});

describe("IpcClient.destroy against a scripted server", { timeout: SUITE_TIMEOUT_MS }, () => {
  const scripted = scriptedServer();

  it("closes the socket at once, rejects what is pending with the destroy as cause, and refuses later requests", async () => {
    const client = await IpcClient.connect(scripted.host.socketPath);
    const peer = await scripted.host.nextPeer();
    const peerEnded = new Promise((resolve) => peer.socket.once("close", resolve));
    const pending = [client.ping(), client.request("custom.thing", { a: 1 })];
    await peer.takeLines(2);
    client.destroy();
    client.destroy();

    const outcomes = await within(Promise.allSettled(pending), 10_000, "requests pending at destroy()");
    const reason = await client.closed;
    assert.ok(isConnectionError("closed", /was destroyed$/)(reason));
    for (const outcome of outcomes) {
      assert.equal(outcome.status, "rejected");
      const error = (outcome as PromiseRejectedResult).reason as Error;
      assert.ok(isConnectionError("closed", /with 2 request\(s\) unanswered$/)(error));
      assert.equal(error.cause, reason);
    }
    await within(peerEnded, 10_000, "the peer seeing the connection end");
    assert.equal(client.pendingCount, 0);
    await assert.rejects(client.ping(), (error: unknown) => error === reason);
  });
});

describe("IpcClient.connect and connectTimeoutMs", { timeout: SUITE_TIMEOUT_MS }, () => {
  // On Linux a Unix-socket connect() never waits: it succeeds as soon as the listener's backlog has
  // room (accepted or not) and fails with EAGAIN at once when it is full. So connectTimeoutMs only
  // bounds a connect that has not completed, which these tests provoke with a socket that never connects.
  let dir: string;
  let listener: ChildProcess | undefined;
  let fake: FakeHost | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "ocbacklog-"));
  });
  after(async () => {
    listener?.kill("SIGKILL");
    await fake?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("fails at once with socket (EAGAIN) on a listener whose backlog is full, long before connectTimeoutMs", async () => {
    const socketPath = path.join(dir, "full.sock");
    listener = await startStalledListener(socketPath, 1);
    // A backlog of 1 holds two connections the listener never accepts; connect() succeeds for both.
    const queued = [await IpcClient.connect(socketPath), await IpcClient.connect(socketPath)];
    try {
      await assert.rejects(
        within(IpcClient.connect(socketPath, { connectTimeoutMs: 60_000 }), 10_000, "a connect to a full backlog"),
        isConnectionError("socket", /^cannot connect to .*full\.sock: .*EAGAIN/),
      );
      // Connected but never accepted: connectTimeoutMs does not cover that, the request's timeout does
      // (this request cannot be answered at all, so its timeout's length decides nothing).
      await assert.rejects(queued[0]!.request("runtime.ping", undefined, { timeoutMs: 100 }), isConnectionError("timeout"));
    } finally {
      queued.forEach((client) => client.destroy());
    }
  });

  it("rejects with timeout and destroys the socket when the connect does not complete within connectTimeoutMs", async (t) => {
    const stalled = new net.Socket();
    const createConnection = t.mock.method(net, "createConnection", () => stalled);
    await assert.rejects(
      within(IpcClient.connect(path.join(dir, "never.sock"), { connectTimeoutMs: 50 }), 10_000, "a connect that never completes"),
      isConnectionError("timeout", /^could not connect to .*never\.sock within 50 ms$/),
    );
    assert.equal(createConnection.mock.callCount(), 1);
    assert.equal(stalled.destroyed, true, "the half-made socket is not leaked");
  });

  it("clears its timer once connected, so a short connectTimeoutMs does not fail a live connection", async () => {
    fake = await FakeHost.start();
    const connecting = IpcClient.connect(fake.socketPath, { connectTimeoutMs: 20 });
    // Not a wait for time to pass: Node runs timers of the same duration in the order they were
    // set, so once this one has fired, the connect timer would have fired too, had it not been cleared.
    const connectTimerDue = new Promise<void>((resolve) => setTimeout(resolve, 20));
    const client = await connecting;
    const peer = await within(fake.nextPeer(), 10_000, "the connection reaching the peer");
    await connectTimerDue;
    const reply = client.ping();
    await within(peer.nextLine(), 10_000, "the request reaching the peer");
    await peer.write(responseLine({ messageType: "runtime.pong", payload: { status: "ok" } }));
    assert.equal((await within(reply, 10_000, "the reply")).payload.status, "ok");
    await client.close();
  });
});

/** A child process listening on `socketPath` with `backlog` whose event loop is blocked, so it never accepts. Stopped by its pid. */
function startStalledListener(socketPath: string, backlog: number): Promise<ChildProcess> {
  const script = `
    const net = require("node:net");
    net.createServer().listen({ path: process.argv[1], backlog: Number(process.argv[2]) }, () => {
      process.stdout.write("listening\\n");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    });
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script, socketPath, String(backlog)], { stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("the stalled listener did not start within 10 s"));
    }, 10_000);
    child.once("error", reject);
    child.stdout.once("data", () => {
      clearTimeout(timer);
      resolve(child);
    });
  });
}

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
