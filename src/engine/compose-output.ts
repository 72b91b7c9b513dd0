/**
 * What Compose's own output says happened, for the cases where berth can say it
 * better: an image that could not be pulled (v1: "Pulling svc (image)..." then
 * the error; v2: "svc Error" then the daemon's words).
 */

export interface FailedPull {
  service: string;
  /** The registry's or daemon's reason, one line. */
  reason: string;
}

const PROGRESS = /^(Creating|Starting|Recreating|Pulling|Building|Attaching|Container|Network|Volume)\b/;

export function failedPull(stderr: string, services: string[]): FailedPull | undefined {
  const lines = stderr.split('\n').map((l) => l.trimEnd()).filter(Boolean);
  const reasonAfter = (i: number) => lines.slice(i + 1).map((l) => l.replace(/^ERROR: /, '').trim()).filter((l) => !PROGRESS.test(l)).at(-1);
  // v1: the last thing it did was pulling, and nothing was created after it.
  for (let i = lines.length - 1; i >= 0; i--) {
    const v1 = /^Pulling (\S+) \((.+)\)\.\.\.$/.exec(lines[i]!);
    if (!v1) continue;
    const after = lines.slice(i + 1);
    if (!services.includes(v1[1]!) || after.some((l) => PROGRESS.test(l.trim()))) break;
    const reason = reasonAfter(i);
    return reason ? { service: v1[1]!, reason } : undefined;
  }
  // v2: " ✘ svc Error ..." (or " svc Error") after " svc Pulling".
  for (let i = lines.length - 1; i >= 0; i--) {
    const v2 = /^\s*(?:✘\s+)?(\S+)\s+Error\b/.exec(lines[i]!);
    if (!v2 || !services.includes(v2[1]!)) continue;
    if (!lines.some((l) => new RegExp(`^\\s*(?:[✔✘⠿]\\s+)?${escape(v2[1]!)}\\s+(Pulling|pull)`, 'i').test(l))) return undefined;
    const reason = lines.slice(i + 1).map((l) => l.replace(/^Error response from daemon: /, '').trim()).filter((l) => !PROGRESS.test(l)).at(-1);
    return reason ? { service: v2[1]!, reason } : undefined;
  }
  return undefined;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
