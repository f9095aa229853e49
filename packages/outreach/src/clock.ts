/** Current time source; tests pass their own to move time forward without waiting. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock tests control: starts at `start` and moves only when told. */
export function manualClock(start: Date = new Date()): Clock & { advance(ms: number): void; set(at: Date): void } {
  let now = start.getTime();
  const clock = () => new Date(now);
  clock.advance = (ms: number) => void (now += ms);
  clock.set = (at: Date) => void (now = at.getTime());
  return clock;
}
