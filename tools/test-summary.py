"""Print one closing line 'N passed, N failed[, N skipped]' from meson's testlog.json.

TAP tests count per test case; other tests count as one each. A TAP test that
crashed after its last line counts one extra failure. Exit 1 if anything failed
or if no test ran at all (a run that tests nothing must not look green)."""
import json
import re
import sys

passed = failed = skipped = 0
path = sys.argv[1] if len(sys.argv) > 1 else "build/meson-logs/testlog.json"
try:
    lines = open(path, encoding="utf-8").read().splitlines()
except OSError:
    lines = []
for line in lines:
    t = json.loads(line)
    tap = [l for l in (t.get("stdout") or "").splitlines() if re.match(r"(not )?ok\b", l)]
    if tap:
        for l in tap:
            if "# SKIP" in l:
                skipped += 1
            elif l.startswith("ok"):
                passed += 1
            else:
                failed += 1
        if t["result"] not in ("OK", "SKIP") and not any(l.startswith("not ok") for l in tap):
            failed += 1
    elif t["result"] == "SKIP":
        skipped += 1
    elif t["result"] in ("OK", "EXPECTEDFAIL"):
        passed += 1
    else:
        failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed or passed == 0 else 0)
