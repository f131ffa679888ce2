#!/usr/bin/env bash
# make demo: start the local sandbox (AWS, the ParallelCluster API, Kubernetes with the KubeRay operator),
# apply examples/demo against it, print what was built and where each workflow stage should run, destroy
# everything, check that the sandbox (Kubernetes included) holds nothing the provider made, stop it (by
# PID). Exits non-zero on any failure.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/.build"
bin="$build/bin"
work="$build/demo"
export TF_CLI_CONFIG_FILE="$build/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
terraform=${TERRAFORM:-terraform}

rm -rf "$work" && mkdir -p "$work"
cp -R "$root/examples/demo/." "$work/"
env_file="$work/sandbox.env"

"$bin/rayhpc-sandbox" -timings demo -kubernetes -env-file "$env_file" >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
stop_sandbox() {
  if kill -0 "$sandbox_pid" 2>/dev/null; then
    kill -TERM "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
}
trap stop_sandbox EXIT INT TERM

for _ in $(seq 1 360); do
  [ -s "$env_file" ] && break
  if ! kill -0 "$sandbox_pid" 2>/dev/null; then
    echo "the sandbox exited before it was ready:" >&2; cat "$work/sandbox.log" >&2; exit 1
  fi
  sleep 0.5
done
[ -s "$env_file" ] || { echo "the sandbox did not become ready in 180 s" >&2; cat "$work/sandbox.log" >&2; exit 1; }
# shellcheck disable=SC1090
source "$env_file"
echo "==> sandbox ready at $RAYHPC_SANDBOX_URL (pid $sandbox_pid)"

cd "$work"
destroyed=0
destroy() {
  if [ "$destroyed" = 0 ]; then
    destroyed=1
    echo "==> terraform destroy"
    "$terraform" destroy -auto-approve -no-color -input=false >"$work/destroy.log" 2>&1 \
      || { cat "$work/destroy.log" >&2; return 1; }
    tail -n 1 "$work/destroy.log"
  fi
}
trap 'destroy || true; stop_sandbox' EXIT INT TERM

echo "==> terraform apply (examples/demo)"
if ! "$terraform" apply -auto-approve -no-color -input=false >"$work/apply.log" 2>&1; then
  cat "$work/apply.log" >&2; exit 1
fi
grep -E '^(Apply complete|.*: Creation complete)' "$work/apply.log" || true

echo "==> what was built"
"$terraform" output -no-color environment
"$terraform" output -no-color platforms
echo "==> where each stage of the Montage trace runs on those platforms"
"$terraform" output -raw montage_table
echo
"$terraform" output -raw montage_baselines
echo
echo "Gantt chart (Mermaid; renders in a \`\`\`mermaid block on GitHub):"
"$terraform" output -raw montage_gantt
echo
echo "==> the hybrid pipeline on the same platforms"
"$terraform" output -raw pipeline_table
echo
echo "==> how far each placement can be from the best on these pools (lower bounds, not estimates)"
"$terraform" output -no-color placement_gaps

destroy
trap stop_sandbox EXIT INT TERM

# Proof, from the services rather than the state, that the destroy left nothing the provider made.
echo "==> what the sandbox still holds, by kind (must be nothing)"
if ! "$bin/rayhpc-inventory" -empty; then
  echo "the sandbox still holds objects the demo made" >&2; exit 1
fi
stop_sandbox
trap - EXIT INT TERM

# The placement engine on a real trace, with no AWS at all (pure computation).
placement="$build/placement"
rm -rf "$placement" && mkdir -p "$placement"
cp -R "$root/examples/placement/." "$placement/"
rm -f "$placement"/terraform.tfstate*
cd "$placement"
echo "==> examples/placement: the Montage trace (WfCommons) placed across HPC, Ray, Lambda and Fargate"
if ! env -u AWS_ENDPOINT_URL "$terraform" apply -auto-approve -no-color -input=false >"$placement/apply.log" 2>&1; then
  cat "$placement/apply.log" >&2; exit 1
fi
"$terraform" output -raw table
echo
"$terraform" output -raw baselines_table
echo
echo "Gantt chart (Mermaid; renders in a \`\`\`mermaid block on GitHub):"
"$terraform" output -raw gantt_mermaid
echo
echo "==> demo finished in ${SECONDS} s: everything destroyed, nothing left in the sandbox, sandbox stopped"
