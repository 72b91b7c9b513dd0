/**
 * Text that may refer to a secret or a variable, as data. Literal parts are
 * the text itself (a `$` in one is a dollar); a reference is an object naming
 * the secret (by its .env name) or the variable, with what to do when it is
 * unset. Each target writes references in its own form (Compose `${NAME}`, a
 * Kubernetes secretKeyRef). A Text without references is a plain string, so
 * most values stay strings.
 */

/** `:-`/`-`: `arg` when unset (`:` also when empty); `:?`/`?`: an error saying `arg` then. */
export type RefOp = ':-' | '-' | ':?' | '?';

export type Ref = ({ secret: string; var?: never } | { var: string; secret?: never }) & { op?: RefOp; arg?: string };

export type TextPart = string | Ref;

export type Text = string | TextPart[];

/** Anything a Text is made of: plain values, references, other Texts. */
export type TextPiece = Text | Ref | number;

export const isRef = (p: TextPart): p is Ref => typeof p !== 'string';

export function partsOf(t: Text): TextPart[] {
  return typeof t === 'string' ? (t ? [t] : []) : t;
}

function piecesParts(p: TextPiece): TextPart[] {
  if (typeof p === 'number') return [String(p)];
  if (typeof p === 'string' || Array.isArray(p)) return partsOf(p);
  return [p];
}

/** The pieces joined into one Text: adjacent literals merged, empty ones dropped; a plain string when nothing refers. */
export function joinText(pieces: readonly TextPiece[]): Text {
  const out: TextPart[] = [];
  for (const part of pieces.flatMap(piecesParts)) {
    const last = out[out.length - 1];
    if (typeof part === 'string' && typeof last === 'string') out[out.length - 1] = last + part;
    else if (part !== '') out.push(part);
  }
  return out.some(isRef) ? out : ((out[0] as string | undefined) ?? '');
}

/** A tagged template: text`postgresql://${user}:${secret}@${host}:${port}/${db}`. */
export function text(strings: TemplateStringsArray, ...values: TextPiece[]): Text {
  return joinText(strings.flatMap((s, i) => (i < values.length ? [s, values[i]!] : [s])));
}

/** A reference to a secret, by its .env name. */
export const secretText = (name: string): Text => [{ secret: name }];

/** The literal text, when nothing in it refers. */
export function plainOf(t: Text): string | undefined {
  return typeof t === 'string' ? t : t.some(isRef) ? undefined : t.join('');
}

/** Each literal part replaced by what `f` makes of it (which may refer); references kept. */
export function mapLiterals(t: Text, f: (literal: string) => TextPiece): Text {
  return joinText(partsOf(t).map((p) => (isRef(p) ? p : f(p))));
}

/** Each reference replaced by what `f` makes of it; literals kept. */
export function mapRefs(t: Text, f: (ref: Ref) => TextPiece): Text {
  return joinText(partsOf(t).map((p) => (isRef(p) ? f(p) : p)));
}

// Private-use characters stand for references while a string function (path.resolve, split) runs.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const SLOT = /\uE000(\d+)\uE001/g;

/**
 * The text as one string in which each reference stands as an opaque word,
 * and the way back: string functions (path.resolve, split) then work on it.
 */
function flatten(t: Text): { flat: string; back: (s: string) => Text } {
  const refs: Ref[] = [];
  const flat = partsOf(t).map((p) => (isRef(p) ? `${OPEN}${refs.push(p) - 1}${CLOSE}` : p)).join('');
  return { flat, back: (str) => joinText(str.split(SLOT).map((piece, i) => (i % 2 ? refs[Number(piece)]! : piece))) };
}

/** `f` applied to the text as a string, each reference kept where it stands: path.resolve of a path that names a ${VAR}. */
export function mapAsString(t: Text, f: (s: string) => string): Text {
  const { flat, back } = flatten(t);
  return back(f(flat));
}

/** The text split at each `separator` in its literal parts. */
export function splitText(t: Text, separator: string): Text[] {
  const { flat, back } = flatten(t);
  return flat.split(separator).map(back);
}

/**
 * The text with each reference given its value; undefined when one it needs
 * has none here (a secret read from the environment at up, say).
 */
export function textValue(t: Text, values: Readonly<Record<string, string>>): string | undefined {
  let missing = false;
  const out = partsOf(t).map((p) => {
    if (!isRef(p)) return p;
    const name = p.secret ?? p.var;
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    const unset = value === undefined || (p.op?.startsWith(':') === true && value === '');
    if ((p.op === '-' || p.op === ':-') && unset) return p.arg ?? '';
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : out.join('');
}
