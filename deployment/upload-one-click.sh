#!/usr/bin/env bash
# Uploads what build-one-click.sh produced:
#   deployment/global-s3-assets   -> s3://{GLOBAL_BUCKET}/{prefix}               (templates)
#   deployment/regional-s3-assets -> s3://{ASSET_BUCKET_BASE_NAME}-{region}/{prefix} (Lambda code)
# Both buckets must exist and belong to BUCKET_OWNER (default: the caller's account): every
# request carries --expected-bucket-owner, so a bucket name taken by another account is refused
# instead of receiving your code.
#
# Usage: ASSET_BUCKET_BASE_NAME=<base> [AWS_REGION=<region>] [GLOBAL_BUCKET=<bucket>] \
#          [BUCKET_OWNER=<account id>] deployment/upload-one-click.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
global="$root/deployment/global-s3-assets"
regional="$root/deployment/regional-s3-assets"

die() { echo "upload-one-click: $*" >&2; exit 1; }

[[ -n "${ASSET_BUCKET_BASE_NAME:-}" ]] || die "set ASSET_BUCKET_BASE_NAME"
[[ -f "$global/asset-key-prefix.txt" && -s "$global/stacks.tsv" ]] || die "nothing to upload; run deployment/build-one-click.sh first"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region || true)}}"
[[ -n "$region" ]] || die "set AWS_REGION"
owner="${BUCKET_OWNER:-$(aws sts get-caller-identity --query Account --output text)}"
[[ "$owner" =~ ^[0-9]{12}$ ]] || die "BUCKET_OWNER must be a 12-digit account id, got '$owner'"
prefix="$(cat "$global/asset-key-prefix.txt")"
regional_bucket="${ASSET_BUCKET_BASE_NAME}-${region}"
global_bucket="${GLOBAL_BUCKET:-$regional_bucket}"

echo "== regional assets -> s3://$regional_bucket/$prefix"
aws s3 sync "$regional" "s3://$regional_bucket/$prefix" --region "$region" --expected-bucket-owner "$owner" --only-show-errors
echo "== templates -> s3://$global_bucket/$prefix"
aws s3 sync "$global" "s3://$global_bucket/$prefix" --region "$region" --expected-bucket-owner "$owner" \
  --only-show-errors --exclude '*' --include '*.template'
while IFS=$'\t' read -r short stack_name template; do
  echo "  $short ($stack_name): https://$global_bucket.s3.$region.amazonaws.com/$prefix$template"
done < "$global/stacks.tsv"
