/**
 * Whether the process wants traffic. Graceful shutdown closes it at once, before anything else,
 * so load balancers stop routing here while in-flight requests finish.
 */
export class ReadinessGate {
  private reason: string | undefined;

  get open(): boolean {
    return this.reason === undefined;
  }

  get closedReason(): string | undefined {
    return this.reason;
  }

  close(reason: string): void {
    this.reason ??= reason;
  }
}
