/** How a service shows it is ready. */

export interface Healthcheck {
  /** Compose test form: ["CMD", ...] or ["CMD-SHELL", "..."]. */
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  startPeriod: string;
}
