/** The model's neutral words in Compose's: depends_on conditions and restart policies. */
import type { Condition, Service } from '../../model/service.js';
import type { DependencyCondition } from '../../model/manifest.js';

export const COMPOSE_CONDITION: Record<Condition, DependencyCondition> = {
  ready: 'service_healthy',
  started: 'service_started',
  completed: 'service_completed_successfully',
};

export const COMPOSE_RESTART: Record<Service['restart'], string> = { always: 'unless-stopped', never: 'no' };
