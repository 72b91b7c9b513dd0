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
  /** The agent that runs it; null for a job the server runs itself. */
  agent_id: string | null;
  /** The lease an agent holds on it: a random id, and when it runs out. */
  lease_id: string | null;
  lease_until: string | null;
  /** How many times it was handed to its agent. */
  attempts: number;
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

/** An enrolled agent: its credential is kept only as a SHA-256 of its random secret. */
export interface AgentsTable {
  id: string;
  name: string;
  credential_hash: string;
  created_at: string;
  /** The address it enrolled from. */
  enrolled_from: string;
  /** How often it says it sends a heartbeat; offline is judged against it. */
  interval_ms: number;
  last_heartbeat: string | null;
  /** Host facts of the last heartbeat, as JSON. */
  facts: string | null;
  /** The stacks of its host at the last heartbeat, as JSON. */
  stacks: string | null;
  revoked_at: string | null;
}

/** A one-time enrollment token: the id is the SHA-256 of the token, never the token. */
export interface EnrollmentTokensTable {
  id: string;
  created_at: string;
  expires_at: string;
  created_by: string;
  used_at: string | null;
  /** The agent that enrolled with it. */
  agent_id: string | null;
}

export interface RecordsSchema {
  agents: AgentsTable;
  enrollment_tokens: EnrollmentTokensTable;
  jobs: JobsTable;
  job_logs: JobLogsTable;
  sessions: SessionsTable;
  stack_samples: StackSamplesTable;
}
