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

/** A dashboard session: the id is the SHA-256 of the random id in the cookie, so the table alone opens none. */
export interface SessionsTable {
  id: string;
  /** Where it logged in from (the client's address). */
  who: string;
  created_at: string;
  expires_at: string;
}

/** A stack's state as the server saw it at one moment: what the health timeline is drawn from. */
export interface StackSamplesTable {
  stack: string;
  at: string;
  state: string;
  ready: number;
  active: number;
}

export interface RecordsSchema {
  jobs: JobsTable;
  job_logs: JobLogsTable;
  sessions: SessionsTable;
  stack_samples: StackSamplesTable;
}
