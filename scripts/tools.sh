#!/usr/bin/env bash
# The tools `make test`, `make demo` and .ci/run need beyond Go and python3, set up on first use:
#
#   scripts/tools.sh terraform   prints the path of a terraform CLI the tests accept (>= 1.0): the one on
#                                PATH (or $TERRAFORM), else v$TERRAFORM_VERSION built from its Go module
#                                into .build/ (about 4 minutes once, then cached there).
#   scripts/tools.sh moto        checks that python3 imports moto's server at the version below; otherwise
#                                installs it into a virtual environment .build/venv (the Makefile puts
#                                .build/venv/bin first on PATH) when a package index answers, and else
#                                stops at once with the one command to run.
#   scripts/tools.sh check       both, with one line saying what is used.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/.build"

# Pinned: the last MPL-licensed terraform release; terraform-plugin-testing needs 1.0 or newer.
TERRAFORM_VERSION=1.5.7
# The sandbox's moto: the README states this same requirement (a test compares them).
MOTO_REQUIREMENT='moto[server]>=5.2,<6'
MOTO_MIN=5.2
MOTO_BELOW=6

log() { echo "tools: $*" >&2; }

# terraform_ok PATH: it runs and is 1.0 or newer.
terraform_ok() {
  local v
  v=$("$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9][0-9.]*\).*/\1/p') || return 1
  [ -n "$v" ] && [ "${v%%.*}" -ge 1 ]
}

terraform_path() {
  local cand
  for cand in "${TERRAFORM:-}" "$(command -v terraform 2>/dev/null || true)"; do
    if [ -n "$cand" ] && terraform_ok "$cand"; then
      echo "$cand"
      return
    fi
    [ -n "$cand" ] && log "ignoring $cand: not a terraform CLI 1.0 or newer"
  done
  local dir="$build/terraform-$TERRAFORM_VERSION"
  if [ -x "$dir/terraform" ] && terraform_ok "$dir/terraform"; then
    echo "$dir/terraform"
    return
  fi
  command -v go >/dev/null || { log "no terraform on PATH and no Go to build one: install Go 1.26"; exit 1; }
  log "no terraform CLI on PATH: building terraform v$TERRAFORM_VERSION from its Go module into $dir (once; about 4 minutes on 2 cores)"
  local start=$SECONDS
  mkdir -p "$dir"
  # Built outside this module (GOFLAGS cleared: the project's flags are not terraform's).
  (cd "$dir" && GOFLAGS= GOBIN="$dir" go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION") >&2
  terraform_ok "$dir/terraform" || { log "the built $dir/terraform does not run"; exit 1; }
  log "built terraform v$TERRAFORM_VERSION in $((SECONDS - start)) s"
  log "note: write-only attributes (smb.password, object_storage.secret_key) need terraform 1.11 or newer; v$TERRAFORM_VERSION runs the test suite but cannot apply them"
  echo "$dir/terraform"
}

# moto_ok PYTHON: imports moto.server at a version in [MOTO_MIN, MOTO_BELOW).
moto_ok() {
  "$1" - "$MOTO_MIN" "$MOTO_BELOW" <<'PY' 2>/dev/null
import re, sys
import moto, moto.server  # noqa: F401
v = tuple(int(x) for x in re.findall(r"\d+", moto.__version__)[:2])
lo = tuple(int(x) for x in sys.argv[1].split("."))
hi = tuple(int(x) for x in sys.argv[2].split("."))
sys.exit(0 if lo <= v < hi else 3)
PY
}

moto_setup() {
  local venv="$build/venv"
  if [ -x "$venv/bin/python3" ] && moto_ok "$venv/bin/python3"; then
    return
  fi
  local py
  py=$(command -v python3 2>/dev/null) || { log "python3 is required (the sandbox runs moto): install python3"; exit 1; }
  if moto_ok "$py"; then
    return
  fi
  local have
  have=$("$py" -c 'import moto; print(moto.__version__)' 2>/dev/null || echo "not installed")
  log "$py cannot import $MOTO_REQUIREMENT (moto: $have): installing it into $venv"
  # Ask the package index first (about 2 s), so that without one we stop at once.
  if "$py" -m pip --version >/dev/null 2>&1 &&
    ! "$py" -m pip download --disable-pip-version-check --no-deps --retries 0 --timeout 10 -q \
      -d "$build/pip-probe" "${MOTO_REQUIREMENT/\[server\]/}" >"$build/venv-pip.log" 2>&1; then
    moto_missing "$py" "pip reaches no package index that has moto (see $build/venv-pip.log)"
  fi
  if ! "$py" -m venv "$venv" >"$build/venv-pip.log" 2>&1; then
    moto_missing "$py" "python3 cannot make a virtual environment (see $build/venv-pip.log)"
  fi
  if "$venv/bin/python3" -m pip install --disable-pip-version-check --retries 0 --timeout 15 -q \
    "$MOTO_REQUIREMENT" >>"$build/venv-pip.log" 2>&1 && moto_ok "$venv/bin/python3"; then
    log "installed $("$venv/bin/python3" -c 'import moto; print("moto " + moto.__version__)') into $venv"
    return
  fi
  rm -rf "$venv"
  moto_missing "$py" "installing it failed (see $build/venv-pip.log)"
}

# moto_missing PYTHON WHY: stop with the one command to run.
moto_missing() {
  log "could not install moto: $2."
  log "Install it where a package index is reachable (or put a python3 that has it first on PATH), then run make again:"
  echo "    $1 -m pip install '$MOTO_REQUIREMENT'" >&2
  exit 1
}

mkdir -p "$build"
case "${1:-check}" in
terraform) terraform_path ;;
moto) moto_setup ;;
check)
  moto_setup
  tf=$(terraform_path)
  py=$(command -v python3)
  [ -x "$build/venv/bin/python3" ] && py="$build/venv/bin/python3"
  log "$(go version | cut -d' ' -f3); $("$tf" version 2>/dev/null | head -1) ($tf); moto $("$py" -c 'import moto; print(moto.__version__)') ($py)"
  ;;
*)
  echo "usage: $0 terraform|moto|check" >&2
  exit 2
  ;;
esac
