#!/usr/bin/env bash
# Tests deployment/stack.sh deploy against a stubbed `aws` (no AWS access): a copy of the script
# runs in a temporary tree with a fake one-click build, and the stub answers describe-stacks with
# the status under test and logs every call. Run by StackScriptTest (modules/app) or by hand:
#   deployment/test/stack-sh-test.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

# $1 = status describe-stacks reports before the deploy (NONE: the stack does not exist)
setup() {
  rm -rf "$work/tree" "$work/bin" && mkdir -p "$work/tree/deployment/global-s3-assets" "$work/bin"
  cp "$here/../stack.sh" "$work/tree/deployment/stack.sh"
  printf 'config\tcms-app--config\n' > "$work/tree/deployment/global-s3-assets/stacks.tsv"
  echo 'cms/v1/' > "$work/tree/deployment/global-s3-assets/asset-key-prefix.txt"
  echo '{}' > "$work/tree/deployment/global-s3-assets/config.template"
  echo "$1" > "$work/status"
  : > "$work/calls"
  cat > "$work/bin/aws" <<STUB
#!/usr/bin/env bash
echo "\$*" >> "$work/calls"
case "\$1 \$2" in
  "cloudformation describe-stacks")
    s="\$(cat "$work/status")"
    if [[ "\$s" == NONE ]]; then echo "An error occurred (ValidationError): Stack with id x does not exist" >&2; exit 254; fi
    echo "\$s" ;;
  "cloudformation deploy") echo CREATE_COMPLETE > "$work/status" ;;
  "cloudformation delete-stack") echo NONE > "$work/status" ;;
esac
STUB
  chmod +x "$work/bin/aws"
}

run_deploy() {
  PATH="$work/bin:$PATH" CLOUDFORMATION_ROLE_ARN=arn:aws:iam::123456789012:role/deployer \
    ASSET_BUCKET_BASE_NAME=assets AWS_REGION=eu-west-1 APP_UNIQUE_ID=cms \
    "$work/tree/deployment/stack.sh" deploy config > "$work/out" 2>&1
}

fail() { echo "FAIL $1"; sed 's/^/    /' "$work/out" "$work/calls"; failures=$((failures + 1)); }

# name, status before, expected exit code, call that must happen, call that must not happen
check() {
  local name="$1" before="$2" code="$3" must="$4" mustnt="$5" rc=0
  setup "$before"
  run_deploy || rc=$?
  if [[ "$rc" != "$code" ]]; then fail "$name: exit $rc, expected $code"; return; fi
  if [[ -n "$must" ]] && ! grep -q -- "$must" "$work/calls"; then fail "$name: no '$must' call"; return; fi
  if [[ -n "$mustnt" ]] && grep -q -- "$mustnt" "$work/calls"; then fail "$name: unexpected '$mustnt' call"; return; fi
  echo "ok   $name"
}

check 'a new stack is created' NONE 0 'cloudformation deploy --stack-name cms-app--config' ''
check 'REVIEW_IN_PROGRESS after a failed first change set is deployed again' REVIEW_IN_PROGRESS 0 \
  'cloudformation deploy --stack-name cms-app--config' 'delete-stack'
check 'ROLLBACK_COMPLETE is deleted, then deployed' ROLLBACK_COMPLETE 0 'cloudformation deploy' ''
grep -q 'delete-stack --stack-name cms-app--config' "$work/calls" || fail 'ROLLBACK_COMPLETE: no delete-stack call'
check 'a stack with an operation running is left alone' UPDATE_IN_PROGRESS 1 '' 'cloudformation deploy'
grep -q 'is busy (UPDATE_IN_PROGRESS)' "$work/out" || fail 'UPDATE_IN_PROGRESS: no "is busy" message'
check 'an existing stack is updated' UPDATE_COMPLETE 0 'cloudformation deploy' 'delete-stack'

# the permissions boundary is an administrator's, never deployed with the scoped role
setup NONE
rc=0
PATH="$work/bin:$PATH" CLOUDFORMATION_ROLE_ARN=arn:aws:iam::123456789012:role/deployer ASSET_BUCKET_BASE_NAME=assets \
  AWS_REGION=eu-west-1 "$work/tree/deployment/stack.sh" deploy permissions-boundary > "$work/out" 2>&1 || rc=$?
if [[ "$rc" != 1 ]] || ! grep -q 'an administrator deploys' "$work/out" || [[ -s "$work/calls" ]]; then
  fail "permissions-boundary: exit $rc, expected 1 with the administrator message and no aws call"
else
  echo "ok   the permissions boundary is refused with the administrator message"
fi

if (( failures > 0 )); then echo "stack-sh-test: $failures failure(s)"; exit 1; fi
echo "stack-sh-test: all passed"
