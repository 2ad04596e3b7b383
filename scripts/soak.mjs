// Mixed load against a running OpsClaw host that serves the echo channel (the sample host) for a
// number of minutes, sampling the host's RSS, open file descriptors and control.status as it goes.
// Fails (exit 1) when a reply is wrong or lost, when RSS keeps growing, or when descriptors are not
// back to their idle count afterwards. Run through scripts/soak.sh, which builds, starts and stops the host.
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import net from "node:net";
import { IpcClient, IpcError } from "../packages/sdk/dist/src/index.js";

const [socketDir, pidText, minutesText = "2"] = process.argv.slice(2);
const pid = Number(pidText);
const durationMs = Number(minutesText) * 60_000;
const sampleEveryMs = Math.max(2_000, Math.min(15_000, durationMs / 20));
const socket = (name) => `${socketDir}/${name}.sock`;

const problems = [];
const counts = { requests: 0, expectedErrors: 0, connects: 0, abandoned: 0 };
let running = true;

function rssKiB() {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number(line.split(/\s+/)[1]);
}
// Sockets only: the runtime opens epoll and eventfd descriptors as its thread pool grows, which is not a leak.
function openFds() {
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:");
    } catch {
      return false; // closed while listing
    }
  }).length;
}

function expectCode(code) {
  return (error) => {
    if (error instanceof IpcError && error.code === code) {
      counts.expectedErrors++;
      return;
    }
    problems.push(`expected ${code}, got ${error}`);
  };
}

// Pipelined pings and forwards, checked one by one.
async function pipeliner(id) {
  const client = await IpcClient.connect(socket("runtime"));
  for (let round = 0; running; round++) {
    const batch = [];
    for (let i = 0; i < 200; i++) {
      const runId = `p${id}-${round}-${i}`;
      const request = i % 5 === 0
        ? client.request("runtime.forward", { round, i, text: "é".repeat(i) }, { runId })
        : client.request("runtime.ping", undefined, { runId });
      batch.push(request.then((reply) => {
        if (reply.envelope.run_id !== runId) problems.push(`run_id ${reply.envelope.run_id} for ${runId}`);
      }));
    }
    await Promise.all(batch);
    counts.requests += batch.length;
  }
  await client.close();
}

// The echo channel: typed replies, bad payloads, a crashing child and slow handlers.
async function echoer(id) {
  const client = await IpcClient.connect(socket("echo"));
  while (running) {
    const said = await client.request("echo.say", { Text: `hello ${id}` });
    if (said.payload.Length !== `hello ${id}`.length) problems.push(`echo.say gave ${JSON.stringify(said.payload)}`);
    await client.request("echo.say", { Txt: 1 }).then(() => problems.push("bad payload accepted"), expectCode("invalid_payload"));
    await client.request("echo.crash").then(() => problems.push("crash answered ok"), expectCode("handler_failed"));
    await Promise.all([client.request("echo.tally"), client.request("echo.sleep", { Ms: 20 })]);
    counts.requests += 5;
  }
  await client.close();
}

// Raw malformed lines: each must still get exactly one reply.
async function garbler() {
  const lines = ["not json", "{}", '{"schema_version":"v0","message_type":"runtime.ping","payload_json":"{}"}', "[1,2", "\u0000\u0001"];
  while (running) {
    const replies = await new Promise((resolve, reject) => {
      const conn = net.connect(socket("runtime"));
      let text = "";
      conn.setEncoding("utf8");
      conn.on("data", (chunk) => { text += chunk; });
      conn.on("end", () => resolve(text.split("\n").filter(Boolean)));
      conn.on("error", reject);
      conn.end(lines.join("\n") + "\n");
    });
    if (replies.length !== lines.length) problems.push(`garbler: ${replies.length} replies to ${lines.length} lines`);
    counts.requests += lines.length;
    counts.expectedErrors += replies.length;
  }
}

// Connect, maybe ping, leave; and clients that vanish with requests in flight.
async function churner() {
  for (let n = 0; running; n++) {
    const client = await IpcClient.connect(socket(n % 2 ? "runtime" : "echo"));
    counts.connects++;
    if (n % 3 === 0) {
      const pending = Array.from({ length: 50 }, () => client.request("echo.sleep", { Ms: 200 }).catch(() => {}));
      client.destroy();
      await Promise.all(pending);
      counts.abandoned += 50;
    } else if (n % 2) {
      await client.ping();
      await client.close();
    } else {
      await client.close();
    }
  }
}

const control = await IpcClient.connect(socket("control"));
const status = async () => (await control.status()).payload;
await status(); // the host has accepted the monitor's own connection: count idle descriptors from here
const idleFds = openFds();
const samples = [];
const started = Date.now();
console.log(`soak: ${minutesText} min against pid ${pid}; idle socket fds ${idleFds}, idle RSS ${rssKiB()} KiB`);
console.log("   t_s   rss_kib sock_fds connections  requests  errors");

const workers = [
  ...Array.from({ length: 6 }, (_, i) => pipeliner(i)),
  ...Array.from({ length: 2 }, (_, i) => echoer(i)),
  garbler(),
  churner(),
].map((work) => work.catch((error) => problems.push(`worker failed: ${error}`)));

while (Date.now() - started < durationMs && problems.length === 0) {
  await new Promise((resolve) => setTimeout(resolve, sampleEveryMs));
  const now = await status();
  const sum = (pick) => now.channels.reduce((total, channel) => total + pick(channel), 0);
  const sample = {
    t: Math.round((Date.now() - started) / 1000),
    rss: rssKiB(),
    fds: openFds(),
    connections: sum((c) => c.connections_current),
    requests: sum((c) => c.requests),
    errors: sum((c) => Object.values(c.errors).reduce((a, b) => a + b, 0)),
  };
  samples.push(sample);
  console.log(`${String(sample.t).padStart(6)} ${String(sample.rss).padStart(9)} ${String(sample.fds).padStart(8)} ${String(sample.connections).padStart(12)} ${String(sample.requests).padStart(9)} ${String(sample.errors).padStart(7)}`);
}
running = false;
await Promise.all(workers);

// Wait (bounded) until only the monitor's own connection is left, then compare descriptors with idle.
for (let i = 0; i < 100 && (await status()).channels.reduce((t, c) => t + c.connections_current, 0) > 1; i++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
}
// A connection counts as closed a moment before its socket is disposed; allow that moment (bounded).
for (let i = 0; i < 50 && openFds() > idleFds; i++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const finalFds = openFds();
await control.close();

const half = Math.floor(samples.length / 2);
const firstPeak = Math.max(...samples.slice(0, Math.max(1, half)).map((s) => s.rss));
const secondPeak = Math.max(...samples.slice(half).map((s) => s.rss));
const rssGrowthLimit = firstPeak * 1.2 + 16 * 1024;
if (samples.length >= 4 && secondPeak > rssGrowthLimit) {
  problems.push(`RSS kept growing: peak ${firstPeak} KiB in the first half, ${secondPeak} KiB in the second (limit ${Math.round(rssGrowthLimit)})`);
}
if (finalFds > idleFds) problems.push(`open socket fds ${finalFds} after the load, ${idleFds} before`);

console.log(
  `soak: ${counts.requests} requests, ${counts.expectedErrors} expected error replies, ${counts.connects} churned connections, ` +
  `${counts.abandoned} requests abandoned by vanishing clients; RSS peak ${firstPeak} -> ${secondPeak} KiB; socket fds ${idleFds} -> ${finalFds}`,
);
if (problems.length > 0) {
  console.log(`soak FAILED: ${problems.length} problem(s)`);
  for (const problem of problems.slice(0, 20)) console.log(`  ${problem}`);
  process.exit(1);
}
console.log("soak passed");
