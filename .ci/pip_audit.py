"""Audit the pinned runtime requirements with pip-audit, saying loudly when it cannot.

pip-audit asks an advisory service about every pinned package. It tries PyPI's JSON API
first, then OSV. The audit passes only when one service answered for every package and
reported no known vulnerability; it fails on any vulnerability. It is skipped, with a
banner on stderr, only when no advisory service could be reached (no network, or a
mirror that answers nothing about the pinned versions) — never silently.

Usage: .venv/bin/python .ci/pip_audit.py [requirements.txt]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SERVICES = ("pypi", "osv")
TIMEOUT_SECONDS = 180


def audit(pip_audit: Path, requirements: str, service: str) -> tuple[str, str]:
    """Return (outcome, detail): outcome is "clean", "vulnerable" or "unreachable"."""
    command = [
        str(pip_audit),
        "--requirement",
        requirements,
        "--no-deps",  # requirements.txt pins every package, dependencies included
        "--disable-pip",
        "--vulnerability-service",
        service,
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--timeout",
        "20",
    ]
    try:
        result = subprocess.run(  # noqa: S603  (fixed argument list, no shell)
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        return "unreachable", f"{service}: no answer within {TIMEOUT_SECONDS} s"
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        last_line = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return "unreachable", f"{service}: {last_line[:300]}"

    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    if vulnerable:
        lines = []
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
                lines.append(
                    f"  {dependency['name']} {dependency.get('version', '?')}: "
                    f"{vuln['id']} (fixed in {fixes})"
                )
        return "vulnerable", "\n".join(lines)
    if not dependencies or len(skipped) == len(dependencies):
        reason = skipped[0]["skip_reason"] if skipped else "no packages reported"
        return "unreachable", f"{service}: could not audit any package ({reason})"
    if skipped:
        names = ", ".join(f"{d['name']} ({d['skip_reason']})" for d in skipped)
        return "vulnerable", f"  {service} could not audit some packages: {names}"
    return "clean", f"{service}: {len(dependencies)} packages, no known vulnerabilities"


def main() -> int:
    requirements = sys.argv[1] if len(sys.argv) > 1 else "requirements.txt"
    pip_audit = Path(sys.executable).with_name("pip-audit")
    problems: list[str] = []
    for service in SERVICES:
        outcome, detail = audit(pip_audit, requirements, service)
        if outcome == "clean":
            print(f"pip-audit: {detail}")
            return 0
        if outcome == "vulnerable":
            print(f"pip-audit FAILED ({service}) for {requirements}:\n{detail}", file=sys.stderr)
            return 1
        problems.append(detail)
    banner = "!" * 78
    print(
        f"\n{banner}\n"
        f"pip-audit SKIPPED: no vulnerability database could be reached, so {requirements}\n"
        "was NOT audited. Run `make security-scan` again where PyPI's JSON API or\n"
        "api.osv.dev is reachable.\n" + "\n".join(f"  - {problem}" for problem in problems) + "\n"
        f"{banner}\n",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
