/** The `image:` schema: Docker's reference grammar, with room for ${VAR}s. */
import * as v from 'valibot';

/**
 * An image reference as Docker reads it (distribution/reference): an optional
 * registry host[:port]/, path components of lowercase letters and digits joined
 * by ., _, __ or -, an optional :tag and an optional @sha256:digest.
 */
const ALNUM = '[a-z0-9]+';
const PATH_COMPONENT = `${ALNUM}(?:(?:[._]|__|-+)${ALNUM})*`;
const HOST_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const REGISTRY = `(?:${HOST_COMPONENT}(?:\\.${HOST_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const IMAGE_NAME_RE = new RegExp(`^(?:${REGISTRY}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
/**
 * A ${VAR} may stand for any part of an image (a tag, a registry, the whole
 * reference); it is checked as one letter here, and its own syntax with every
 * other string Compose interpolates (resolve/refs.ts).
 */
const VARIABLE = /\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g;

export function isImageRef(text: string): boolean {
  const ref = text.replace(VARIABLE, 'x');
  const at = ref.indexOf('@');
  const [nameTag, digest] = at < 0 ? [ref, undefined] : [ref.slice(0, at), ref.slice(at + 1)];
  // A : after the last / starts the tag; one before it is a registry port.
  const colon = nameTag.lastIndexOf(':');
  const [name, tag] = colon > nameTag.lastIndexOf('/') ? [nameTag.slice(0, colon), nameTag.slice(colon + 1)] : [nameTag, undefined];
  return name.length <= 255 && IMAGE_NAME_RE.test(name) && (tag === undefined || TAG_RE.test(tag)) && (digest === undefined || DIGEST_RE.test(digest));
}

export const imageRef = v.pipe(
  v.string('must be an image reference like registry.example.com/postgres:17.2'),
  v.check(isImageRef, 'is not an image reference like registry.example.com/postgres:17.2 (a lowercase name, then :tag or @sha256:digest)'),
);
