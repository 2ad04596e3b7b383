import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { IpcConnectionError } from "../src/errors.js";
import { IpcClient } from "../src/ipcClient.js";
import { within } from "./support/events.js";
import { startHost, type RunningHost } from "./support/host.js";
import { SUITE_TIMEOUT_MS, failOnUnhandledRejections, isConnectionError } from "./support/suite.js";

// The IpcClient behaviour ipcClient.test.ts checks against a scripted server, here against a real
// host (the sample host, for its echo channel) wherever it can produce it: a request timeout, the
// host vanishing, close() and destroy().

failOnUnhandledRejections();

// Longer than any of these tests runs: the host cannot answer such a request before its own
// request-timeout (30 s by default), so it is certainly pending whenever a test looks.
const NEVER_MS = 60_000;

describe("IpcClient against the sample host, which serves the echo channel", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: RunningHost;
  let echoSocket: string;

  before(async () => {
    // A short drain, only so that stopping this host does not wait out the destroyed connection's sleep.
    host = await startHost({ sample: true, config: ["opsclaw.ipc.shutdown-drain-timeout = 1s"] });
    echoSocket = path.join(path.dirname(host.runtime), "echo.sock");
  });
  after(async () => {
    await host?.stop();
  });

  it("rejects a request with timeout, keeps its place in the queue, and drops its late reply", async () => {
    const echo = await IpcClient.connect(echoSocket);
    try {
      // The host answers echo.sleep no sooner than Ms after it read it, so the 50 ms timer fires first;
      // the reply to "after" is written only after the late one, so awaiting it waits for that too.
      const slow = echo.request("echo.sleep", { Ms: 1_000 }, { timeoutMs: 50 });
      const later = echo.request<{ Text: string; Length: number }>("echo.say", { Text: "after" }, { runId: "a1" });
      await assert.rejects(slow, isConnectionError("timeout", /^no reply to echo\.sleep on .*echo\.sock within 50 ms$/));
      assert.equal(echo.pendingCount, 2, "the timed-out request keeps its place until its late reply comes");

      const reply = await later;
      assert.deepEqual([reply.envelope.message_type, reply.envelope.run_id, reply.payload], ["echo.say.ok", "a1", { Text: "after", Length: 5 }]);
      assert.equal(echo.pendingCount, 0, "the late reply took its slot and was dropped");
      assert.deepEqual((await echo.request("echo.say", { Text: "still" })).payload, { Text: "still", Length: 5 });
    } finally {
      await echo.close();
    }
  });

  it("close() lets the host answer every request already sent, then resolves; later requests reject", async () => {
    const runtime = await IpcClient.connect(host.runtime);
    const echo = await IpcClient.connect(echoSocket);
    const events: string[] = [];
    const forwards = Array.from({ length: 1_000 }, (_, i) => runtime.request("runtime.forward", { i }, { runId: `c${i}` }));
    const slow = echo.request<{ Slept: number }>("echo.sleep", { Ms: 200 }).then((reply) => {
      events.push("slow answered");
      return reply;
    });
    const echoClosing = echo.close().then(() => events.push("close resolved"));
    const runtimeClosing = runtime.close();

    const replies = await Promise.all(forwards);
    replies.forEach((reply, i) => assert.equal(reply.envelope.run_id, `c${i}`));
    assert.deepEqual((await slow).payload, { Slept: 200 });
    await Promise.all([echoClosing, runtimeClosing]);
    assert.deepEqual(events, ["slow answered", "close resolved"], "close() resolves only after the reply it waited for");

    for (const client of [runtime, echo]) {
      assert.equal(await client.closed, undefined, "a close the client asked for has no reason");
      assert.equal(client.pendingCount, 0);
      await assert.rejects(client.request("runtime.ping"), isConnectionError("closed"));
    }
  });

  it("destroy() rejects what is pending at once, with a cause, and the connection stays unusable", async () => {
    const echo = await IpcClient.connect(echoSocket);
    const pending = [echo.request("echo.sleep", { Ms: NEVER_MS }), echo.request("echo.say", { Text: "queued" })];
    const settled = Promise.allSettled(pending);
    echo.destroy();

    const outcomes = await within(settled, 10_000, "requests pending at destroy()");
    const reason = await within(echo.closed, 10_000, "closed after destroy()");
    assert.ok(reason instanceof IpcConnectionError);
    assert.deepEqual([reason.kind, /was destroyed$/.test(reason.message)], ["closed", true]);
    for (const outcome of outcomes) {
      assert.equal(outcome.status, "rejected");
      const error = (outcome as PromiseRejectedResult).reason as unknown;
      assert.ok(isConnectionError("closed", /with 2 request\(s\) unanswered$/)(error));
      assert.equal((error as Error).cause, reason, "the destroy is the cause");
    }
    assert.equal(echo.pendingCount, 0);
    await assert.rejects(echo.request("echo.say", { Text: "after" }), (error: unknown) => error === reason);

    // Only that connection is gone: the host serves a new one.
    const again = await IpcClient.connect(echoSocket);
    assert.deepEqual((await again.request("echo.say", { Text: "new" })).payload, { Text: "new", Length: 3 });
    await again.close();
  });
});

describe("IpcClient when the sample host is killed with requests in flight", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: RunningHost;

  before(async () => {
    host = await startHost({ sample: true });
  });
  after(async () => {
    await host?.stop();
  });

  it("rejects every pending request with closed, none hangs, and later requests reject", async (t) => {
    const echoSocket = path.join(path.dirname(host.runtime), "echo.sock");
    const runtime = await IpcClient.connect(host.runtime);
    const echo = await IpcClient.connect(echoSocket);
    const count = 20_000;
    const forwards = Array.from({ length: count }, (_, i) => runtime.request("runtime.forward", { i }, { runId: `k${i}`, timeoutMs: 60_000 }));
    const sleeps = Array.from({ length: 3 }, () => echo.request("echo.sleep", { Ms: NEVER_MS }, { timeoutMs: 60_000 }));
    const settledForwards = Promise.allSettled(forwards);
    const settledSleeps = Promise.allSettled(sleeps);
    // Mid-pipeline: the host has answered one forward, and cannot have answered any sleep.
    await forwards[0];
    assert.ok(host.process.kill("SIGKILL"), "SIGKILL sent to the host's pid");

    const forwardOutcomes = await within(settledForwards, 30_000, "forwards pending at the kill");
    const sleepOutcomes = await within(settledSleeps, 30_000, "sleeps pending at the kill");
    assert.equal(await host.waitForExit(), null);
    assert.equal(host.process.signalCode, "SIGKILL");

    // Replies already in the socket are still read, in order; everything after them rejects with one
    // "closed" error that counts them.
    const answered = forwardOutcomes.findIndex((outcome) => outcome.status === "rejected");
    t.diagnostic(`${answered < 0 ? count : answered} of ${count} forwards answered before the kill`);
    const cuts = new Set<unknown>();
    forwardOutcomes.forEach((outcome, i) => {
      if (answered < 0 || i < answered) {
        assert.equal(outcome.status === "fulfilled" && outcome.value.envelope.run_id, `k${i}`);
      } else {
        assert.equal(outcome.status, "rejected", `request ${i} after an unanswered one`);
        cuts.add((outcome as PromiseRejectedResult).reason);
      }
    });
    for (const outcome of sleepOutcomes) {
      assert.equal(outcome.status, "rejected");
      assert.ok(isConnectionError("closed", /closed the connection with 3 request\(s\) unanswered/)((outcome as PromiseRejectedResult).reason));
    }
    if (answered >= 0) {
      assert.equal(cuts.size, 1, "one error for every request cut off");
      const [cut] = cuts;
      assert.ok(isConnectionError("closed", new RegExp(`closed the connection with ${count - answered} request\\(s\\) unanswered`))(cut));
    }

    for (const client of [runtime, echo]) {
      // An end of stream, or a reset when the host died with unread input; either way the connection is gone.
      const reason = await client.closed;
      assert.ok(reason instanceof IpcConnectionError && (reason.kind === "closed" || reason.kind === "socket"), `closed: ${String(reason)}`);
      assert.equal(client.pendingCount, 0);
      await assert.rejects(client.request("runtime.ping"), (error: unknown) => error === reason || isConnectionError("closed")(error));
    }
  });
});
