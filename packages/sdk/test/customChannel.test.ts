import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { IpcError } from "../src/errors.js";
import { IpcClient } from "../src/ipcClient.js";
import { startHost, type RunningHost } from "./support/host.js";
import { trackUnhandledRejections } from "./support/unhandled.js";

const SUITE_TIMEOUT_MS = 120_000;

const unhandled = trackUnhandledRejections();
after(() => {
  unhandled.stop();
  assert.deepEqual(unhandled.reasons, [], "no rejection may be left unhandled");
});

function ipcError(code: string, error?: RegExp): (thrown: unknown) => boolean {
  return (thrown) => {
    assert.ok(thrown instanceof IpcError, `expected an IpcError ${code}, got ${String(thrown)}`);
    assert.equal(thrown.code, code);
    if (error !== undefined) {
      assert.match(thrown.envelope.error ?? "", error);
    }
    return true;
  };
}

// The sample echo channel (docs/extending.md), which the host serves on echo.sock when its config says so.
describe("the real host with the sample echo channel", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: RunningHost;
  let echoSocket: string;

  before(async () => {
    host = await startHost({ config: ["opsclaw.host.echo-channel = on", "opsclaw.ipc.request-timeout = 300ms"] });
    echoSocket = path.join(path.dirname(host.runtime), "echo.sock");
  });
  after(async () => {
    await host?.stop();
  });

  it("sends invalid_payload, handler_failed and timeout, each for its own request only", async () => {
    const echo = await IpcClient.connect(echoSocket);
    try {
      const said = echo.request<{ Text: string; Length: number }>("echo.say", { Text: "h\u00e9llo" });
      const invalid = echo.request("echo.say", { Txt: "typo" });
      const crashed = echo.request("echo.crash");
      const slow = echo.request("echo.sleep", { Ms: 5_000 });
      const tally = echo.request<{ Count: number }>("echo.tally");

      assert.deepEqual((await said).payload, { Text: "h\u00e9llo", Length: 5 });
      await assert.rejects(invalid, ipcError("invalid_payload", /^invalid payload for 'echo\.say': field 'Text' is required$/));
      await assert.rejects(crashed, ipcError("handler_failed", /^handler for 'echo\.crash' failed$/));
      await assert.rejects(slow, ipcError("timeout", /^request timed out after 300 ms$/));
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
      await assert.rejects(echo.request("echo.say", []), ipcError("invalid_payload"));
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

describe("the real host stopping while a slow request is in flight", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: RunningHost;

  before(async () => {
    host = await startHost({ config: ["opsclaw.host.echo-channel = on"] });
  });
  after(async () => {
    await host?.stop();
  });

  it("answers the request in flight and refuses one sent after the stop with shutting_down", async () => {
    const echoSocket = path.join(path.dirname(host.runtime), "echo.sock");
    const echo = await IpcClient.connect(echoSocket);
    try {
      // In flight when the stop begins, so the connection stays open through the drain.
      const slow = echo.request<{ Slept: number }>("echo.sleep", { Ms: 1_500 });
      const control = await IpcClient.connect(host.control);
      await control.stop();
      await control.close().catch(() => undefined);
      await socketGone(echoSocket);

      const late = echo.request("echo.say", { Text: "too late" });
      assert.deepEqual((await slow).payload, { Slept: 1_500 });
      await assert.rejects(late, ipcError("shutting_down", /^server is shutting down$/));
      assert.equal(await host.waitForExit(), 0);
    } finally {
      echo.destroy();
    }
  });
});

/** Resolves once the host has removed a socket file, which it does after its connections learn of the drain. */
async function socketGone(socketPath: string): Promise<void> {
  const { existsSync, watch } = await import("node:fs");
  await new Promise<void>((resolve, reject) => {
    const watcher = watch(path.dirname(socketPath));
    const timer = setTimeout(() => finish(new Error(`${socketPath} still exists after 30 s`)), 30_000);
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      watcher.close();
      if (error) reject(error);
      else resolve();
    };
    watcher.on("change", () => {
      if (!existsSync(socketPath)) finish();
    });
    if (!existsSync(socketPath)) finish();
  });
}
