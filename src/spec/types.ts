import type { ComponentDef, CommonOptions } from '../catalog/types.js';

/** stack.yaml as written (after schema validation). */
export interface StackSpec {
  version?: 1;
  description?: string;
  profiles?: string[];
  memoryBudget?: string | number;
  images?: Record<string, string>;
  vars?: Record<string, string | number | boolean>;
  services: Record<string, Record<string, unknown>>;
}

export interface SpecService {
  name: string;
  def: ComponentDef;
  options: CommonOptions & Record<string, unknown>;
}

/** A validated spec: every service bound to its catalog component. */
export interface ValidSpec {
  raw: StackSpec;
  services: SpecService[];
}
