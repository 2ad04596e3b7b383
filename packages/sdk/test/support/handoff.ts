/** Items handed from event callbacks to a test that awaits them one at a time, in arrival order. */
export class Handoff<T> {
  private readonly items: T[] = [];
  private waiting: ((item: T) => void) | undefined;

  put(item: T): void {
    if (this.waiting !== undefined) {
      const waiter = this.waiting;
      this.waiting = undefined;
      waiter(item);
    } else {
      this.items.push(item);
    }
  }

  take(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) {
      return Promise.resolve(item);
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }
}
