#!/usr/bin/env bash
# Deploys, updates or tears down ONE module stack from the one-click template, with the scoped
# CloudFormation service role, and WAITS for CloudFormation: the command fails when the stack
# operation fails (the original's buildspecs returned before CloudFormation finished).
#
#   deploy   create the stack, or update it when it exists (aws cloudformation deploy, change set
#            + wait); a stack left in ROLLBACK_COMPLETE by a failed first create is deleted first, and
#            one left in REVIEW_IN_PROGRESS by a failed first change set is created again
#   update   the stack must exist; creates a change set, prints it, executes it and waits;
#            a template without changes ends successfully with "no changes"
#   teardown delete-stack with the role and wait; a stack that does not exist is not an error
#
# Usage: CLOUDFORMATION_ROLE_ARN=<arn> ASSET_BUCKET_BASE_NAME=<base> [AWS_REGION=<region>] \
#          deployment/stack.sh deploy|update|teardown <short>
# deploy/update need deployment/build-one-click.sh (and upload-one-click.sh) to have run. The permissions
# boundary stack (permissions-boundary.template) is not deployed with this script: an administrator does it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
global="$root/deployment/global-s3-assets"
capabilities=(CAPABILITY_IAM CAPABILITY_NAMED_IAM CAPABILITY_AUTO_EXPAND)

die() { echo "stack.sh: $*" >&2; exit 1; }

action="${1:-}"
short="${2:-}"
[[ "$action" =~ ^(deploy|update|teardown)$ && -n "$short" ]] || die "usage: stack.sh deploy|update|teardown <module short name>"
# permissions-boundary.template: the scoped role may not create, change or delete the boundary policy
[[ "$short" != permissions-boundary ]] || die "the permissions boundary stack is not a module: an administrator deploys \
permissions-boundary.template once with their own credentials, before deployer-role.template (see docs/backstage.md)"
role="${CLOUDFORMATION_ROLE_ARN:-}"
[[ "$role" =~ ^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+ ]] \
  || die "set CLOUDFORMATION_ROLE_ARN to the scoped deployer role (see docs/backstage.md), got '${role}'"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region || true)}}"
[[ -n "$region" ]] || die "set AWS_REGION"
export AWS_REGION="$region" AWS_DEFAULT_REGION="$region"

# The stack name of a module, as CmsModuleStack.cloudFormationNameOf names it.
stack_name_of() {
  case "$1" in
    vpc) echo "${VPC_NAME:-cms-vpc}-vpc" ;;
    auth-setup) echo "${IDENTITY_PROVIDER_ID:-cms}-auth-setup" ;;
    *) echo "${APP_UNIQUE_ID:-cms}-app--$1" ;;
  esac
}
stack="$(stack_name_of "$short")"

if [[ "$action" != teardown ]]; then
  [[ -s "$global/stacks.tsv" ]] || die "no one-click build; run deployment/build-one-click.sh $short first"
  built="$(awk -F'\t' -v m="$short" '$1 == m { print $2 }' "$global/stacks.tsv")"
  [[ -n "$built" ]] || die "module $short was not built (built: $(cut -f1 "$global/stacks.tsv" | paste -sd, -))"
  [[ "$built" == "$stack" ]] || die "the build named the stack '$built' but the settings give '$stack'; rebuild with the same settings"
  template="$global/$short.template"
  [[ -n "${ASSET_BUCKET_BASE_NAME:-}" ]] || die "set ASSET_BUCKET_BASE_NAME (the templates are uploaded next to the assets)"
  bucket="${ASSET_BUCKET_BASE_NAME}-${region}"
  prefix="$(cat "$global/asset-key-prefix.txt")"
fi

# Prints the stack status, or NONE when the stack does not exist.
status_of() {
  local out
  if out="$(aws cloudformation describe-stacks --stack-name "$1" --query 'Stacks[0].StackStatus' --output text 2>&1)"; then
    echo "$out"
  elif [[ "$out" == *"does not exist"* ]]; then
    echo NONE
  else
    echo "$out" >&2
    return 1
  fi
}

# Prints the failed events of the last operation, so the build log says why.
print_failures() {
  aws cloudformation describe-stack-events --stack-name "$1" --max-items 40 \
    --query 'StackEvents[?contains(ResourceStatus, `FAILED`)].[LogicalResourceId, ResourceStatus, ResourceStatusReason]' \
    --output text >&2 || true
}

# Fails unless the stack ended in one of the given states.
require_status() {
  local status
  status="$(status_of "$stack")"
  for ok in "$@"; do
    [[ "$status" == "$ok" ]] && { echo "$stack: $status"; return 0; }
  done
  print_failures "$stack"
  die "$stack ended in $status"
}

case "$action" in
  deploy)
    status="$(status_of "$stack")"
    if [[ "$status" == ROLLBACK_COMPLETE ]]; then
      echo "$stack is in ROLLBACK_COMPLETE after a failed create; deleting it before deploying again"
      aws cloudformation delete-stack --stack-name "$stack" --role-arn "$role"
      aws cloudformation wait stack-delete-complete --stack-name "$stack" || { print_failures "$stack"; die "could not delete $stack"; }
    elif [[ "$status" == REVIEW_IN_PROGRESS ]]; then
      # A first change set that failed leaves the stack here with no resources and nothing running;
      # `aws cloudformation deploy` treats it as a new stack and creates a change set again.
      echo "$stack is in REVIEW_IN_PROGRESS (its first change set was never executed); creating it again"
    elif [[ "$status" == *_IN_PROGRESS ]]; then
      die "$stack is busy ($status); run again when the current operation has finished"
    fi
    echo "== deploying $stack from $short.template with role $role"
    aws cloudformation deploy --stack-name "$stack" --template-file "$template" --role-arn "$role" \
      --capabilities "${capabilities[@]}" --s3-bucket "$bucket" --s3-prefix "${prefix}cfn-templates" \
      --no-fail-on-empty-changeset || { print_failures "$stack"; die "deploy of $stack failed"; }
    require_status CREATE_COMPLETE UPDATE_COMPLETE
    ;;
  update)
    status="$(status_of "$stack")"
    [[ "$status" =~ ^(CREATE_COMPLETE|UPDATE_COMPLETE|UPDATE_ROLLBACK_COMPLETE|IMPORT_COMPLETE)$ ]] \
      || die "$stack cannot be updated in state $status (deploy it first)"
    key="${prefix}cfn-templates/$stack-$(date -u +%Y%m%dT%H%M%SZ).template"
    aws s3 cp "$template" "s3://$bucket/$key" --only-show-errors
    change_set="cms-update-$(date -u +%Y%m%d%H%M%S)"
    echo "== creating change set $change_set for $stack"
    aws cloudformation create-change-set --stack-name "$stack" --change-set-name "$change_set" \
      --change-set-type UPDATE --template-url "https://$bucket.s3.$region.amazonaws.com/$key" \
      --role-arn "$role" --capabilities "${capabilities[@]}" >/dev/null
    if ! aws cloudformation wait change-set-create-complete --stack-name "$stack" --change-set-name "$change_set"; then
      reason="$(aws cloudformation describe-change-set --stack-name "$stack" --change-set-name "$change_set" \
        --query StatusReason --output text)"
      if [[ "$reason" == *"didn't contain changes"* || "$reason" == *"No updates are to be performed"* ]]; then
        aws cloudformation delete-change-set --stack-name "$stack" --change-set-name "$change_set"
        echo "$stack: no changes"
        exit 0
      fi
      die "change set for $stack failed: $reason"
    fi
    aws cloudformation describe-change-set --stack-name "$stack" --change-set-name "$change_set" \
      --query 'Changes[].ResourceChange.[Action, LogicalResourceId, ResourceType, Replacement]' --output text
    aws cloudformation execute-change-set --stack-name "$stack" --change-set-name "$change_set"
    aws cloudformation wait stack-update-complete --stack-name "$stack" || { print_failures "$stack"; die "update of $stack failed"; }
    require_status UPDATE_COMPLETE
    ;;
  teardown)
    status="$(status_of "$stack")"
    if [[ "$status" == NONE ]]; then
      echo "$stack does not exist; nothing to tear down"
      exit 0
    fi
    echo "== deleting $stack with role $role"
    aws cloudformation delete-stack --stack-name "$stack" --role-arn "$role"
    aws cloudformation wait stack-delete-complete --stack-name "$stack" || { print_failures "$stack"; die "teardown of $stack failed"; }
    echo "$stack: deleted"
    ;;
esac
