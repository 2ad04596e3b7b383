import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startHost, type RunningHost } from "./support/host.js";
import { SUITE_TIMEOUT_MS } from "./support/suite.js";

const quickstart = fileURLToPath(new URL("../../examples/quickstart.mjs", import.meta.url));
const readme = fileURLToPath(new URL("../../README.md", import.meta.url));

describe("README.md", { timeout: SUITE_TIMEOUT_MS }, () => {
  it("quotes examples/quickstart.mjs exactly, so the example it shows is the one that is tested", async () => {
    const quoted = /\n```js\n([\s\S]*?)```\n/.exec(await readFile(readme, "utf8"))?.[1];
    assert.equal(quoted, await readFile(quickstart, "utf8"));
  });
});

describe("examples/quickstart.mjs, the README's example", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: RunningHost;

  before(async () => {
    host = await startHost();
  });
  after(async () => {
    await host?.stop();
  });

  it("runs as written against the real host and prints what the README says", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [quickstart], {
      env: { ...process.env, OPSCLAW_SOCKETS: path.dirname(host.runtime) },
      timeout: 30_000,
    });
    assert.equal(
      stdout,
      ['true runtime.pong r1 {"status":"ok"}', "ok job-42 true", "unsupported_message_type", "healthy", ""].join("\n"),
    );
  });
});
