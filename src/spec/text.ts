/**
 * Schemas for values that may refer to variables and secrets (env, commands,
 * images, labels, paths): the string as written is checked against the spec
 * syntax (spec/interpolation.ts) and read into Text, so a bad `$` is one more
 * issue with its key path, and resolve and the catalog see only Text.
 */
import * as v from 'valibot';
import type { Text } from '../model/text.js';
import { parseInterpolated, problemText, scanInterpolation } from './interpolation.js';

type Scalar = string | number | boolean;

/**
 * Reads the value into Text, `shape`d (a command string into sh -c). A
 * validation rather than a transformation: valibot keeps a validation's own
 * message inside a union, where a failed transformation gives the union's.
 */
export function readText<I extends Scalar = string, T = Text>(shape: (t: Text) => T = (t) => t as T): v.BaseValidation<I, T, v.BaseIssue<unknown>> {
  return {
    kind: 'validation',
    type: 'spec_text',
    reference: readText,
    expects: null,
    async: false,
    '~run'(dataset, config) {
      if (!dataset.typed) return dataset as v.OutputDataset<T, v.BaseIssue<unknown>>;
      const written = String(dataset.value);
      const { problem } = scanInterpolation(written);
      if (problem) v._addIssue(this, 'text', dataset, config, { message: problemText(problem) });
      else (dataset as { value: unknown }).value = shape(parseInterpolated(written));
      return dataset as unknown as v.OutputDataset<T, v.BaseIssue<unknown>>;
    },
  };
}

/** Any string, read as Text. */
export const textSchema = v.pipe(v.string(), readText());
