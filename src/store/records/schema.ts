/**
 * The tables of a berth server's own records, as the query builder sees them.
 * One schema for SQLite and PostgreSQL: times are ISO-8601 UTC text (they sort
 * as text on both), JSON is text, ids are text.
 */
export interface JobsTable {
  id: string;
  stack: string;
  action: string;
  /** The action's parameters, as JSON. */
  params: string;
  /** Who asked for it (the API's caller). */
  who: string;
  state: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** What the action returned, as JSON. */
  result: string | null;
  error_code: string | null;
  error_message: string | null;
}

export interface JobLogsTable {
  job_id: string;
  seq: number;
  time: string;
  line: string;
}

export interface RecordsSchema {
  jobs: JobsTable;
  job_logs: JobLogsTable;
}
