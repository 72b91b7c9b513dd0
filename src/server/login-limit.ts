/**
 * Failed logins per client address: after `max` failures within the window,
 * that address may not try again (even with the right token) until the
 * oldest failure leaves the window, so the token cannot be guessed at speed.
 * Kept in memory: a restart forgets, which costs a guesser a restart of ours.
 */
export interface LoginLimitOptions {
  max?: number;
  windowMs?: number;
  now?: () => number;
}

/** Addresses remembered before stale ones are swept out. */
const SWEEP_AT = 1000;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  readonly max: number;
  readonly windowMs: number;
  constructor(private readonly o: LoginLimitOptions = {}) {
    this.max = o.max ?? 5;
    this.windowMs = o.windowMs ?? 60_000;
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private recent(addr: string, now: number): number[] {
    return (this.failures.get(addr) ?? []).filter((t) => t > now - this.windowMs);
  }

  /** Seconds until this address may try again; 0 when it may now. */
  retryAfter(addr: string): number {
    const now = this.now();
    const recent = this.recent(addr, now);
    if (recent.length < this.max) return 0;
    return Math.max(1, Math.ceil((recent[recent.length - this.max]! + this.windowMs - now) / 1000));
  }

  failed(addr: string): void {
    const now = this.now();
    if (this.failures.size >= SWEEP_AT) {
      for (const [a, times] of this.failures) if (!times.some((t) => t > now - this.windowMs)) this.failures.delete(a);
    }
    this.failures.set(addr, [...this.recent(addr, now), now].slice(-this.max));
  }
}
