import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { IpcConnectionError, IpcError } from "../src/errors.js";
import { IpcClient } from "../src/ipcClient.js";
import { socketFileGone, within } from "./support/events.js";
import { startHost, type RunningHost } from "./support/host.js";
import { Relay } from "./support/relay.js";
import { SUITE_TIMEOUT_MS, failOnUnhandledRejections, isIpcError } from "./support/suite.js";

failOnUnhandledRejections();

// The sample echo channel (docs/extending.md), which the sample host serves on echo.sock beside runtime and control.
describe("the sample host (OpsClaw embedded with the echo channel)", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: RunningHost;
  let echoSocket: string;

  before(async () => {
    // The handlers that answer at once must do so within it, even on a loaded machine; echo.sleep below cannot.
    host = await startHost({ sample: true, config: ["opsclaw.ipc.request-timeout = 2s"] });
    echoSocket = path.join(path.dirname(host.runtime), "echo.sock");
  });
  after(async () => {
    await host?.stop();
  });

  it("sends invalid_payload, handler_failed and timeout, each for its own request only", async () => {
    const echo = await IpcClient.connect(echoSocket);
    try {
      // A first round trip, so a cold host's first requests are not what races the request timeout.
      await echo.request("echo.say", { Text: "warm-up" });
      const said = echo.request<{ Text: string; Length: number }>("echo.say", { Text: "h\u00e9llo" });
      const invalid = echo.request("echo.say", { Txt: "typo" });
      const crashed = echo.request("echo.crash");
      // Not answered before 60 s, so the host's 2 s request-timeout answers it, whatever the machine's load.
      const slow = echo.request("echo.sleep", { Ms: 60_000 });
      const tally = echo.request<{ Count: number }>("echo.tally");

      assert.deepEqual((await said).payload, { Text: "h\u00e9llo", Length: 5 });
      await assert.rejects(invalid, isIpcError("invalid_payload", /^invalid payload for 'echo\.say': field 'Text' is required$/));
      await assert.rejects(crashed, isIpcError("handler_failed", /^handler for 'echo\.crash' failed$/));
      await assert.rejects(slow, isIpcError("timeout", /^request timed out after 2000 ms$/));
      assert.deepEqual((await tally).payload, { Count: 1 });
    } finally {
      await echo.close();
    }
  });

  it("lists the echo channel in control.channels and counts its traffic in control.status", async () => {
    const control = await IpcClient.connect(host.control);
    const echo = await IpcClient.connect(echoSocket);
    try {
      const channels = await control.channels();
      assert.deepEqual(
        channels.payload.channels.map((channel) => [channel.name, channel.socket_path]),
        [["runtime", host.runtime], ["control", host.control], ["echo", echoSocket]],
      );
      assert.deepEqual(channels.payload.channels[2]?.message_types, ["echo.say", "echo.sleep", "echo.tally", "echo.crash"]);

      const before = (await control.status()).payload.channels.find((channel) => channel.name === "echo");
      await echo.request("echo.say", { Text: "x" });
      await assert.rejects(echo.request("echo.say", []), isIpcError("invalid_payload"));
      const status = await control.status();
      const now = status.payload.channels.find((channel) => channel.name === "echo");
      assert.equal(status.payload.pid, host.pid);
      assert.equal((now?.requests ?? 0) - (before?.requests ?? 0), 2);
      assert.equal((now?.errors["invalid_payload"] ?? 0) - (before?.errors["invalid_payload"] ?? 0), 1);
      assert.ok((now?.connections_current ?? 0) >= 1);
    } finally {
      await echo.close();
      await control.close();
    }
  });
});

describe("the sample host stopping while requests are in flight on its custom channel", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: RunningHost;
  let relay: Relay | undefined;

  before(async () => {
    host = await startHost({
      sample: true,
      config: [
        // Room for the 2 MiB request below.
        "opsclaw.ipc.max-line-bytes = 4194304",
        // Only a bound on a stalled run (it must stay under the 30 s of the service-requests-done phase); nothing waits for it.
        "opsclaw.ipc.shutdown-drain-timeout = 20s",
      ],
    });
  });
  after(async () => {
    await relay?.stop();
    await host?.stop();
  });

  it("answers the requests in flight and refuses one sent after the stop with shutting_down", async () => {
    // The connection must still be open, and reading, when the late line arrives. No sleep is trusted
    // to last that long: the client goes through a relay that stops reading once the host starts
    // writing a 2 MiB reply, so the host owes that reply (and keeps the connection) until the test
    // releases it, which it does only after the late line is in the host's socket. The connection has
    // a read pending all along (one request in flight is far below max-in-flight), so the host takes
    // the line as soon as it is there, while that write can only finish once the relay reads again.
    const echoSocket = path.join(path.dirname(host.runtime), "echo.sock");
    relay = await Relay.start(echoSocket);
    const echo = await IpcClient.connect(relay.socketPath);
    const relayed = await relay.nextConnection();
    relayed.holdAfterFirstBytes();
    try {
      const text = "x".repeat(2 * 1024 * 1024);
      const big = echo.request<{ Text: string; Length: number }>("echo.say", { Text: text });
      // Whether its handler is still sleeping when the stop begins or not, it was received before it.
      const slow = echo.request<{ Slept: number }>("echo.sleep", { Ms: 300 });
      await within(relayed.firstBytesFromTarget, 30_000, "the first bytes of the 2 MiB reply");

      const control = await IpcClient.connect(host.control);
      assert.deepEqual((await control.stop()).payload, { stop: "requested" });
      await control.closed;
      await socketFileGone(echoSocket);
      assert.ok(relayed.bytesFromTarget < text.length, `the host is still writing the 2 MiB reply (${relayed.bytesFromTarget} bytes taken)`);

      const late = echo.request("echo.say", { Text: "too late" });
      await within(relayed.linesWritten(3), 30_000, "the late line reaching the host's socket");
      relayed.release();

      const said = await big;
      assert.deepEqual([said.payload.Length, said.payload.Text === text], [text.length, true]);
      assert.deepEqual((await slow).payload, { Slept: 300 });
      await assert.rejects(late, (error: unknown) => {
        assert.ok(error instanceof IpcError, `expected shutting_down, got ${String(error)}`);
        assert.deepEqual([error.code, error.envelope.error], ["shutting_down", "server is shutting down"]);
        return true;
      });
      const reason = await echo.closed;
      assert.ok(reason instanceof IpcConnectionError && reason.kind === "closed", `a clean end of stream, got ${String(reason)}`);
      assert.deepEqual(relayed.targetErrors, [], "no reset from the host");
      assert.equal(await host.waitForExit(), 0, `host exit code; stderr: ${host.stderr()}`);
    } finally {
      echo.destroy();
    }
  });
});
