/**
 * A one-shot timer, injected where a wait must be testable without waiting (setTimeout by default; a test's own, run
 * when the test moves its clock). The default keeps no process alive: its owner clears it, or lets it lapse, at a stop.
 */
export interface Timer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const NODE_TIMER: Timer = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
