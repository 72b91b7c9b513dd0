/**
 * berth's spec syntax for references in stack.yaml, which is Compose's
 * variable interpolation, as berth writes it: only the forms that
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
 * written, v2 expands it. A string in this syntax is read into Text once, where
 * stack.yaml is validated; Text is written back in it for Compose and in messages.
 */
import { isRef, joinText, partsOf, type RefOp, type Text, type TextPiece } from '../model/text.js';

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

/** What is wrong with a text Compose would refuse, after the text itself. */
export function problemText(problem: NonNullable<Interpolation['problem']>): string {
  return problem === 'bare-dollar'
    ? 'has a $ that is not a ${VAR} reference; write $$ for a literal dollar'
    : 'has a $ inside the default or error of a ${VAR:-...} (Compose versions read it differently); write that text without $';
}

/** The one line for a text Compose would refuse, after its key path. */
export function interpolationProblem(text: string, problem: NonNullable<Interpolation['problem']>): string {
  return `${JSON.stringify(text)} ${problemText(problem)}`;
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** A text that follows the grammar (scanInterpolation found no problem) as Text: `$$` a dollar, each reference a variable. */
export function parseInterpolated(text: string): Text {
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const m of text.matchAll(REFERENCE)) {
    pieces.push(text.slice(at, m.index));
    at = m.index + m[0].length;
    const [all, braced, op, arg, plain] = m;
    if (all === '$$') pieces.push('$');
    else pieces.push([{ var: (braced ?? plain)!, ...(op ? { op: op as RefOp, arg } : {}) }]);
  }
  pieces.push(text.slice(at));
  return joinText(pieces);
}

/** Text in the syntax it was read from: a dollar as `$$`, a reference as `${NAME}` (with its default or error). */
export function writeInterpolated(t: Text): string {
  return partsOf(t)
    .map((p) => (isRef(p) ? `\${${p.secret ?? p.var}${p.op ? `${p.op}${p.arg ?? ''}` : ''}}` : p.replace(/\$/g, '$$$$')))
    .join('');
}
