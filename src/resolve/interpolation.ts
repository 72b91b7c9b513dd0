/**
 * Compose's variable interpolation, as berth writes it: only the forms that
 * docker-compose 1.29 and Compose v2 both read, and read the same way.
 *
 *   $$                      a literal dollar
 *   $NAME  ${NAME}          the value of NAME
 *   ${NAME:-x}  ${NAME-x}   x when NAME is unset (:- also when empty)
 *   ${NAME:?x}  ${NAME?x}   an error saying x when NAME is unset (:? also when empty)
 *
 * NAME is [A-Za-z_][A-Za-z0-9_]*. Any other `$` makes Compose refuse the whole
 * file (`cost $5`, `a$`, `${}`, `$(id)`, `${TAG`, `${#VAR}`); `${NAME:+x}` is v2
 * only. A `$` inside the x of a default or error is refused too: v1 keeps it as
 * written, v2 expands it.
 */

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const BRACED = /\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/y;

export interface Interpolation {
  /** Variables referred to, in order (up to the first problem). */
  refs: string[];
  /** Why Compose would refuse the text (or read it differently across versions). */
  problem?: 'bare-dollar' | 'dollar-in-default';
}

export function scanInterpolation(text: string): Interpolation {
  const refs: string[] = [];
  let i = text.indexOf('$');
  while (i >= 0) {
    if (text[i + 1] === '$') {
      i = text.indexOf('$', i + 2);
      continue;
    }
    NAME.lastIndex = i + 1;
    BRACED.lastIndex = i + 1;
    const plain = NAME.exec(text);
    const braced = plain ? null : BRACED.exec(text);
    if (plain) {
      refs.push(plain[0]);
      i = text.indexOf('$', NAME.lastIndex);
    } else if (braced) {
      if (braced[3]?.includes('$')) return { refs, problem: 'dollar-in-default' };
      refs.push(braced[1]!);
      i = text.indexOf('$', BRACED.lastIndex);
    } else {
      return { refs, problem: 'bare-dollar' };
    }
  }
  return { refs };
}

/** The one line for a text Compose would refuse, after its key path. */
export function interpolationProblem(text: string, problem: NonNullable<Interpolation['problem']>): string {
  const shown = JSON.stringify(text);
  return problem === 'bare-dollar'
    ? `${shown} has a $ that is not a \${VAR} reference; write $$ for a literal dollar`
    : `${shown} has a $ inside the default or error of a \${VAR:-...} (Compose versions read it differently); write that text without $`;
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * What Compose makes of a text that follows the grammar, given the values of
 * its variables; undefined when a variable it needs has no value here (a
 * secret read from the environment at up, say).
 */
export function interpolate(text: string, values: Readonly<Record<string, string>>): string | undefined {
  let missing = false;
  const out = text.replace(REFERENCE, (all, braced?: string, colon?: string, op?: string, alt?: string, plain?: string) => {
    if (all === '$$') return '$';
    const name = (braced ?? plain)!;
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    const unset = value === undefined || (colon === ':' && value === '');
    if (op === '-' && unset) return alt ?? '';
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : out;
}
