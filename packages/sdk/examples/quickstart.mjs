// Talks to a running host: `opsclaw ipc serve-sockets` serves .opsclaw/sockets in its working
// directory; set OPSCLAW_SOCKETS to use another socket directory.
import { IpcClient, IpcError, buildIpcEnvelope, sendIpcRequest } from "@opsclaw/sdk";

const sockets = process.env.OPSCLAW_SOCKETS ?? ".opsclaw/sockets";

// One request on a connection of its own; error replies resolve too, so check `ok`.
const pong = await sendIpcRequest(`${sockets}/runtime.sock`, buildIpcEnvelope({ messageType: "runtime.ping", runId: "r1" }));
console.log(pong.ok, pong.message_type, pong.run_id, pong.payload_json);

// A persistent connection: requests are pipelined and each reply comes with its payload parsed.
const runtime = await IpcClient.connect(`${sockets}/runtime.sock`);
const [ping, ack] = await Promise.all([
  runtime.ping(),
  runtime.request("runtime.forward", { job: 42, note: "gr\u00fc\u00dfe" }, { runId: "job-42" }),
]);
console.log(ping.payload.status, ack.envelope.run_id, ack.payload.accepted);

// An error reply rejects with an IpcError carrying the stable error_code.
try {
  await runtime.request("runtime.unknown");
} catch (error) {
  if (!(error instanceof IpcError)) throw error;
  console.log(error.code);
}
await runtime.close();

const control = await IpcClient.connect(`${sockets}/control.sock`);
const health = await control.health();
console.log(health.payload.status);
await control.close();
