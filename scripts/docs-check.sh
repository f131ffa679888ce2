#!/usr/bin/env bash
# make docs-check (after make generate): docs/ must be what make generate produces.
# The committed docs are generated with terraform >= 1.11, which reports write-only attributes (tfplugindocs
# marks them "Write-only"); an older CLI (the v1.5.7 that scripts/tools.sh builds when none is installed)
# does not. With such a CLI the comparison ignores that marker, and the committed docs are put back.
set -euo pipefail
cd "$(dirname "$0")/.."
tf=$("$(dirname "$0")/tools.sh" terraform)
v=$("$tf" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9][0-9.]*\).*/\1/p')
major=${v%%.*} rest=${v#*.} minor=${rest%%.*}
if [ -n "$(git status --porcelain --untracked-files=all -- docs/ | grep -v '^ M' || true)" ]; then
  git status --porcelain -- docs/
  echo "docs/ has files make generate creates or removes: commit them" >&2
  exit 1
fi
if [ "$major" -gt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -ge 11 ]; }; then
  git diff --exit-code -- docs/ || { echo "docs/ is stale: run make generate and commit the result" >&2; exit 1; }
  exit 0
fi
echo "docs-check: terraform $v cannot report write-only attributes: comparing docs/ without the Write-only marker" >&2
strip='s/, \[Write-only\]\([^)]*\)//'
stale=0
for f in $(git diff --name-only -- docs/); do
  if ! diff <(git show "HEAD:$f" | sed -E "$strip") <(sed -E "$strip" "$f"); then
    echo "$f is stale: run make generate (with terraform >= 1.11) and commit the result" >&2
    stale=1
  fi
done
git checkout -- docs/
exit "$stale"
