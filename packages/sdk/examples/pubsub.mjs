// Publish and subscribe through a running host (OPSCLAW_SOCKETS as in quickstart.mjs).
import { IpcClient } from "@opsclaw/sdk";

const runtimeSocket = `${process.env.OPSCLAW_SOCKETS ?? ".opsclaw/sockets"}/runtime.sock`;

// A worker: once subscribe resolves, every message published to a matching topic is pushed to it.
// With ack "explicit" each delivery must be acked, or the host delivers it again.
const worker = await IpcClient.connect(runtimeSocket);
const jobs = await worker.subscribe("jobs.>", { ack: "explicit" });

const publisher = await IpcClient.connect(runtimeSocket);
const { matched } = await publisher.publish("jobs.resize", { image: "cat.png" }, { key: "cat" });
await publisher.publish("jobs.resize.urgent", { image: "dog.png" }, { runId: "run-7" });
console.log("matched", matched);

let done = 0;
for await (const job of jobs) {
  console.log(job.delivery, job.topic, job.body.image, job.key ?? "-", job.runId ?? "-", job.redelivered);
  if (job.body.image === "dog.png" && !job.redelivered) {
    await job.nack(); // handed back: it comes again, marked redelivered
  } else {
    await job.ack();
    if (++done === 2) break; // leaving the loop unsubscribes
  }
}
await Promise.all([worker.close(), publisher.close()]);
