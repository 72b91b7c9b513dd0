/**
 * What a component hands the stack-level renderers (nginx, Prometheus,
 * Grafana, the OTel Collector), one shape per kind; `dir` and `file` are
 * paths in the stack dir of the config files they write for it.
 */

/** Scrape targets outside the stack (workers on other hosts). */
export interface ExtraScrape {
  targets: string[];
  path?: string;
  scheme?: 'http' | 'https';
}

export interface NginxConfig {
  kind: 'nginx';
  dir: string;
  /** Path prefix -> service[:port], as given; none: the stack's web, reporting or first app. */
  routes?: Record<string, string>;
  /** Certificates berth makes and keeps, ones the user gives, or no TLS. */
  tls: 'self-signed' | 'given' | false;
  httpsPort?: number | false;
  rateLimit?: string | false;
  burst?: number;
  serverName?: string;
  maxBodySize?: string | number;
}

/** A Prometheus-compatible collector that scrapes the stack (Prometheus, or VictoriaMetrics on its own). */
export interface ScrapeConfig {
  kind: 'scrape';
  file: string;
  scrapeInterval: string;
  targets: Record<string, ExtraScrape>;
}

export interface GrafanaConfig {
  kind: 'grafana';
  dir: string;
}

export interface OtelConfig {
  kind: 'otel';
  file: string;
  memoryLimitMiB: number;
}

export type ServiceConfig = NginxConfig | ScrapeConfig | GrafanaConfig | OtelConfig;
