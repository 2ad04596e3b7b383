import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as esm from "../src/index.js";
import { startHost, type RunningHost } from "./support/host.js";
import { SUITE_TIMEOUT_MS } from "./support/suite.js";

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL("../../", import.meta.url));
const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** Runs `code` as a CommonJS script in the package's directory, where `@opsclaw/sdk` names this package itself. */
async function requireScript(code: string, env: NodeJS.ProcessEnv = process.env): Promise<unknown> {
  const { stdout } = await run(process.execPath, ["--input-type=commonjs", "-e", code], { cwd: packageRoot, env, timeout: 30_000 });
  return JSON.parse(stdout);
}

describe("the npm package", { timeout: SUITE_TIMEOUT_MS }, () => {
  it("ships the repository's MIT LICENSE, byte for byte", async () => {
    const shipped = await readFile(new URL("../../LICENSE", import.meta.url));
    assert.deepEqual(shipped, await readFile(`${repositoryRoot}LICENSE`));
    assert.match(shipped.toString("utf8"), /^MIT License\n\nCopyright \(c\) 2026 The OpsClaw authors\n/);

    const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: packageRoot, timeout: 60_000 });
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]?.files.map((file) => file.path) ?? [];
    for (const expected of ["LICENSE", "README.md", "package.json", "dist/src/index.js", "dist/cjs/index.js", "dist/cjs/package.json", "dist/cjs/index.d.ts"]) {
      assert.ok(files.includes(expected), `${expected} is not in the package: ${files.join(", ")}`);
    }
  });

  it("resolves require() to the CommonJS build, with the same exports as the ES module", async () => {
    const loaded = (await requireScript(`
      const sdk = require("@opsclaw/sdk");
      console.log(JSON.stringify({ path: require.resolve("@opsclaw/sdk"), exports: Object.keys(sdk).sort() }));
    `)) as { path: string; exports: string[] };

    assert.equal(loaded.path, `${packageRoot}dist/cjs/index.js`);
    assert.deepEqual(loaded.exports, Object.keys(esm).sort());
  });

  it("resolves import to the ES module build", async () => {
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", 'console.log(import.meta.resolve("@opsclaw/sdk"))'], {
      cwd: packageRoot,
      timeout: 30_000,
    });
    assert.equal(stdout.trim(), new URL("../../dist/src/index.js", import.meta.url).href);
  });
});

describe("the CommonJS build against the real host", { timeout: SUITE_TIMEOUT_MS }, () => {
  let host: RunningHost;

  before(async () => {
    host = await startHost();
  });
  after(async () => {
    await host?.stop();
  });

  it("answers a ping and turns an error reply into its own IpcError", async () => {
    const outcome = await requireScript(
      `
      const { IpcClient, IpcError, buildIpcEnvelope, sendIpcRequest } = require("@opsclaw/sdk");
      (async () => {
        const pong = await sendIpcRequest(process.env.RUNTIME, buildIpcEnvelope({ messageType: "runtime.ping", runId: "cjs" }));
        const client = await IpcClient.connect(process.env.RUNTIME);
        const error = await client.request("runtime.unknown").catch((thrown) => thrown);
        await client.close();
        console.log(JSON.stringify({ pong: [pong.message_type, pong.run_id], error: [error instanceof IpcError, error.code] }));
      })().catch((thrown) => { console.error(thrown); process.exit(1); });
    `,
      { ...process.env, RUNTIME: host.runtime },
    );

    assert.deepEqual(outcome, { pong: ["runtime.pong", "cjs"], error: [true, "unsupported_message_type"] });
  });
});
