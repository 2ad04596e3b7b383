import assert from "node:assert/strict";
import type { Delivery, Subscription } from "../../src/subscription.js";
import { within } from "./events.js";

/** The next `count` deliveries of a subscription, each within `waitMs`; fails if it ends first. */
export async function take<TBody>(subscription: Subscription<TBody>, count: number, waitMs = 10_000): Promise<Delivery<TBody>[]> {
  const taken: Delivery<TBody>[] = [];
  for (let i = 0; i < count; i++) {
    const next = await within(subscription.next(), waitMs, `delivery ${i + 1} of ${count} on ${subscription.id}`);
    assert.equal(next.done, false, `${subscription.id} ended after ${i} of ${count} deliveries`);
    taken.push(next.value as Delivery<TBody>);
  }
  return taken;
}
