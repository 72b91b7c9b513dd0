/**
 * Orders strings by code point. Names berth sorts are ASCII; a locale-aware
 * compare (String#localeCompare) would give the same order for them but loads
 * ICU's collator on first use, which costs a CLI start-up more than the rest
 * of a generate.
 */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
