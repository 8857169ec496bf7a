/**
 * The HTTP requests a sink has under way, each with a signal that aborts at its own timeout or when the sink stops
 * (abortAll: every request under way, and every one begun after). A controller per request, dropped when it ends:
 * AbortSignal.any over one long-lived stop signal keeps a dependant per call (nodejs/node#55351), which a sink writing
 * every second would pile up for months.
 */

/** Node's own text for AbortSignal.timeout's reason, so a timed-out write is logged as before. */
const timeoutReason = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

export class RequestsUnderWay {
  private readonly underWay = new Set<AbortController>();
  private stopped: Error | undefined;

  /** A signal for one request (aborted after `timeoutMs` where given, or at abortAll); call `done` when it ends. */
  begin(timeoutMs?: number): { readonly signal: AbortSignal; done(): void } {
    const request = new AbortController();
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => request.abort(timeoutReason()), timeoutMs);
    timer?.unref();
    if (this.stopped) request.abort(this.stopped);
    else this.underWay.add(request);
    return {
      signal: request.signal,
      done: () => {
        clearTimeout(timer);
        this.underWay.delete(request);
      },
    };
  }

  /** Aborts every request under way with `reason`, and each one begun from now on. */
  abortAll(reason: Error): void {
    this.stopped = reason;
    for (const request of this.underWay) request.abort(reason);
    this.underWay.clear();
  }
}
