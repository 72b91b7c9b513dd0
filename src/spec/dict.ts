/**
 * A map of user keys (services, env, vars, labels, build args, ...) as a
 * valibot schema. valibot's own record() silently drops the keys __proto__,
 * prototype and constructor; this one keeps every key and returns an object
 * without a prototype, so such a key is an ordinary entry: `in` finds only
 * what the user wrote, and an assignment to __proto__ is an entry, not a
 * prototype change. A list is refused (record() would take its indexes as keys).
 */
import * as v from 'valibot';

type Schema = v.GenericSchema;
type Output<V extends Schema> = Record<string, v.InferOutput<V>>;

export interface DictSchema<V extends Schema> extends v.BaseSchema<unknown, Output<V>, v.BaseIssue<unknown>> {
  readonly type: 'record';
  readonly reference: typeof dict;
  readonly expects: 'Object';
  readonly key: Schema;
  readonly value: V;
  readonly message: string | undefined;
}

/** Moves the issues of one entry's key or value under that entry's path. */
function entryIssues(ds: v.OutputDataset<unknown, v.BaseIssue<unknown>>, origin: 'key' | 'value', input: object, key: string, value: unknown) {
  const item = { type: 'object', origin, input, key, value } as unknown as v.IssuePathItem;
  return (ds.issues ?? []).map((issue) => Object.assign(issue, { path: origin === 'key' ? [item] : [item, ...(issue.path ?? [])] }));
}

export function dict<V extends Schema>(key: Schema, value: V, message?: string): DictSchema<V> {
  return v._standardSchema({
    kind: 'schema',
    type: 'record',
    reference: dict,
    expects: 'Object',
    async: false,
    key,
    value,
    message,
    '~run'(dataset, config) {
      const input = dataset.value;
      if (!input || typeof input !== 'object' || Array.isArray(input)) {
        v._addIssue(this, 'type', dataset, config);
        return dataset as unknown as v.OutputDataset<Output<V>, v.BaseIssue<unknown>>;
      }
      const out: Record<string, unknown> = Object.create(null);
      const issues: v.BaseIssue<unknown>[] = [];
      let typed = true;
      for (const entryKey of Object.keys(input)) {
        const entryValue = (input as Record<string, unknown>)[entryKey];
        const k = key['~run']({ value: entryKey }, config);
        const val = value['~run']({ value: entryValue }, config);
        issues.push(...entryIssues(k, 'key', input, entryKey, entryValue), ...entryIssues(val, 'value', input, entryKey, entryValue));
        if (!k.typed || !val.typed) typed = false;
        else out[k.value as string] = val.value;
        if (issues.length && config.abortEarly) break;
      }
      // Entries that are typed but break a rule keep the map typed, as valibot's own record does: a union then reports their issues, not its own.
      const result = issues.length ? { typed, value: out, issues } : { typed, value: out };
      return result as v.OutputDataset<Output<V>, v.BaseIssue<unknown>>;
    },
  } as DictSchema<V>);
}
