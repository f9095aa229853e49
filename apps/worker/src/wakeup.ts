/**
 * Lets a polling loop sleep until its interval passes or another part of the process has work
 * for it (the scheduler after a draft, the outbox relay after a claim), so work handed from one
 * stage to the next does not wait for a poll. A wake while the loop is busy is kept for its next wait.
 */
export class Wakeup {
  private pending = false;
  private resolveWait: (() => void) | null = null;

  wake(): void {
    if (this.resolveWait) this.resolveWait();
    else this.pending = true;
  }

  /** Resolves after `ms`, when woken, or when `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.resolveWait = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.resolveWait = done;
    });
  }
}
