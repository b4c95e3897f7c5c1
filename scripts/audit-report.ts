/**
 * Judges `npm audit --omit=dev --json` against the "Advisories" section of SECURITY.md.
 *
 * npm lists a package once for its own advisory and again for every package that depends on
 * it (e.g. `deepmerge-ts` high, then `@prisma/config` and `prisma` high "via" it). An entry
 * counts as explained when every serious cause it is listed with is: its own advisories by
 * their id (GHSA-...) in SECURITY.md, the packages it depends on by their own entries. A
 * package's name alone explains nothing, so a new advisory on a known package still fails.
 */

export interface AuditVia {
  url?: string;
  name?: string;
  severity?: string;
}

export interface AuditEntry {
  severity: string;
  via: Array<string | AuditVia>;
}

export interface AuditJson {
  message?: string;
  statusCode?: number;
  error?: unknown;
  metadata?: { vulnerabilities?: Record<string, number> };
  vulnerabilities?: Record<string, AuditEntry>;
}

export interface Unexplained {
  name: string;
  severity: string;
}

const SERIOUS = new Set(["high", "critical"]);

/** The text after the "## Advisories" heading, up to the next heading of the same level. */
export function advisoriesSection(securityMd: string): string {
  const after = securityMd.split(/^## Advisories[^\n]*$/m)[1] ?? "";
  return after.split(/^## /m)[0] ?? "";
}

const advisoryId = (via: AuditVia) => (via.url ? (via.url.split("/").pop() ?? "") : "");

export function unexplainedAdvisories(audit: AuditJson, securityMd: string): Unexplained[] {
  const section = advisoriesSection(securityMd);
  const entries = audit.vulnerabilities ?? {};
  const verdicts = new Map<string, boolean>();

  const explained = (name: string): boolean => {
    const known = verdicts.get(name);
    if (known !== undefined) return known;
    verdicts.set(name, false); // a cycle in "via" explains nothing by itself
    // Only the serious causes need explaining; a missing severity counts as serious.
    const causes = (entries[name]?.via ?? []).filter((via) =>
      SERIOUS.has((typeof via === "string" ? entries[via]?.severity : via.severity) ?? "high"),
    );
    const verdict =
      causes.length > 0 &&
      causes.every((via) => {
        if (typeof via === "string") return explained(via);
        const id = advisoryId(via);
        return id !== "" && section.includes(id);
      });
    verdicts.set(name, verdict);
    return verdict;
  };

  return Object.entries(entries)
    .filter(([, entry]) => SERIOUS.has(entry.severity))
    .filter(([name]) => !explained(name))
    .map(([name, entry]) => ({ name, severity: entry.severity }));
}
