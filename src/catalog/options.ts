/** The options a component accepts in stack.yaml: the common ones, the datastore and exporter ones where they apply, then its own. */
import { COMMON_OPTIONS, DATASTORE_OPTIONS, EXPORTER_OPTIONS } from '../spec/common.js';
import type { OptionDefs } from '../spec/fields.js';
import type { ComponentDef } from './types.js';

export function optionDefsOf(def: ComponentDef): OptionDefs {
  return { ...COMMON_OPTIONS, ...(def.connection && def.category !== 'observability' ? DATASTORE_OPTIONS : {}), ...(def.exporter ? EXPORTER_OPTIONS : {}), ...def.options };
}
