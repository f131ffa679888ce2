#!/usr/bin/env bash
# make bench: figures, not pass/fail thresholds.
#  1. provider start-up to a served plugin (median of several runs) and its peak RSS;
#  2. API calls per create, refresh and destroy of each resource, read from the sandbox's call log (AWS)
#     and the kube-apiserver's audit log (Kubernetes);
#  3. the placement engine on every workflow trace and on synthetic 10k / 100k-task workflows.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export TF_CLI_CONFIG_FILE="$root/.build/terraformrc-test" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
workflows=${WORKFLOWS:-$root/internal/placement/testdata/wfcommons}

echo "== provider start-up"
go run ./internal/benchtools/startup -bin .build/bin/terraform-provider-rayhpc -runs 11

echo
echo "== API calls per operation (AWS: sandbox call log; Kubernetes: kube-apiserver audit log)"
TF_ACC=1 TF_ACC_TERRAFORM_PATH=${TERRAFORM:-$(command -v terraform)} \
  go test -count=1 -run 'APICalls' -v ./internal/service/... 2>&1 | grep -E 'bench:|^(FAIL|ok|---)' | sed 's/^ *//'

echo
echo "== placement engine"
if [ -d "$workflows" ]; then
  go run ./internal/placement/cmd/placementbench -workflows "$workflows"
else
  echo "no workflow traces at $workflows (set WORKFLOWS=...)"
fi
echo
go test -run '^$' -bench 'Solve|Bound' -benchmem ./internal/placement/ | grep -E '^(Benchmark|ok)'
