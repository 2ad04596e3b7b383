import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startHost, type RunningHost } from "./support/host.js";
import { SUITE_TIMEOUT_MS } from "./support/suite.js";

const example = fileURLToPath(new URL("../../examples/pubsub.mjs", import.meta.url));
const readme = fileURLToPath(new URL("../../README.md", import.meta.url));

describe("README.md's publish and subscribe example", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: RunningHost;

  before(async () => {
    host = await startHost();
  });
  after(async () => {
    await host?.stop();
  });

  it("is examples/pubsub.mjs, quoted exactly", async () => {
    const text = await readFile(readme, "utf8");
    assert.ok(text.includes(`\n\`\`\`js\n${await readFile(example, "utf8")}\`\`\`\n`), "README.md quotes examples/pubsub.mjs in a js block");
  });

  it("runs as written against the real host and prints what the README says", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [example], {
      env: { ...process.env, OPSCLAW_SOCKETS: path.dirname(host.runtime) },
      timeout: 30_000,
    });
    const text = await readFile(readme, "utf8");
    // The first output block after the example is the one that goes with it.
    const shown = /\nIt prints:\n\n```\n([\s\S]*?)```\n/.exec(text.slice(text.indexOf("examples/pubsub.mjs")))?.[1];
    assert.equal(stdout, shown);
    assert.equal(
      stdout,
      ["matched 1", "1 jobs.resize cat.png cat - false", "2 jobs.resize.urgent dog.png - run-7 false", "3 jobs.resize.urgent dog.png - run-7 true", ""].join("\n"),
    );
  });
});
