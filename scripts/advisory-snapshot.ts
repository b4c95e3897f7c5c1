/**
 * The offline advisory check: a committed snapshot (security/advisory-snapshot.json) of the
 * production dependency tree as it was last audited, with the advisories found then. Where
 * the registry's advisory endpoint cannot be reached, `npm run audit:offline` still fails
 * when the tree changed since the snapshot, when the snapshot is too old to trust, or when
 * a serious advisory it lists is not explained in SECURITY.md.
 */
import { advisoriesSection } from "./audit-report";

export interface SnapshotAdvisory {
  package: string;
  version: string;
  /** GHSA-... */
  id: string;
  severity: "low" | "moderate" | "high" | "critical";
}

export interface AdvisorySnapshot {
  /** The day the tree was audited (YYYY-MM-DD). */
  auditedAt: string;
  /** How: `npm audit --omit=dev` or a review by hand against GitHub's advisory database. */
  source: string;
  /** Every production package as name@version, sorted. */
  production: string[];
  advisories: SnapshotAdvisory[];
}

interface Lockfile {
  packages?: Record<string, { version?: string; dev?: boolean; link?: boolean }>;
}

/** What `npm install --omit=dev` installs, as sorted name@version (package-lock.json v2/v3). */
export function productionPackages(lock: Lockfile): string[] {
  const names = new Set<string>();
  for (const [where, entry] of Object.entries(lock.packages ?? {})) {
    if (where === "" || entry.dev || entry.link || !entry.version) continue;
    names.add(`${where.split("node_modules/").pop()}@${entry.version}`);
  }
  return [...names].sort();
}

/** A snapshot older than this is refused: advisories are published every day. */
export const SNAPSHOT_MAX_AGE_DAYS = 90;

const SERIOUS = new Set(["high", "critical"]);

/** Why the snapshot cannot stand for an audit of this tree today; empty when it can. */
export function snapshotProblems(snapshot: AdvisorySnapshot, lock: Lockfile, securityMd: string, today: Date): string[] {
  const problems: string[] = [];
  const audited = Date.parse(`${snapshot.auditedAt}T00:00:00Z`);
  if (!Number.isFinite(audited)) problems.push(`the snapshot's date "${snapshot.auditedAt}" is not a date`);
  else {
    const ageDays = Math.floor((today.getTime() - audited) / 86_400_000);
    if (ageDays > SNAPSHOT_MAX_AGE_DAYS) problems.push(`the snapshot of ${snapshot.auditedAt} is ${ageDays} days old (at most ${SNAPSHOT_MAX_AGE_DAYS})`);
    if (ageDays < -1) problems.push(`the snapshot's date ${snapshot.auditedAt} is in the future`);
  }
  const covered = new Set(snapshot.production);
  const installed = productionPackages(lock);
  const unaudited = installed.filter((name) => !covered.has(name));
  if (unaudited.length > 0) {
    problems.push(`package-lock.json has production packages the snapshot of ${snapshot.auditedAt} did not audit: ${unaudited.slice(0, 10).join(", ")}${unaudited.length > 10 ? ` and ${unaudited.length - 10} more` : ""}`);
  }
  const section = advisoriesSection(securityMd);
  for (const advisory of snapshot.advisories) {
    if (SERIOUS.has(advisory.severity) && !section.includes(advisory.id)) {
      problems.push(`${advisory.package}@${advisory.version}: ${advisory.severity} advisory ${advisory.id} is not explained in SECURITY.md`);
    }
  }
  return problems;
}
