#!/usr/bin/env bash
# Builds the one-click CloudFormation artefacts:
#   deployment/global-s3-assets/<short>.template   one template per module stack
#   deployment/regional-s3-assets/<asset files>    Lambda code the templates reference
# The templates read Lambda code from the bucket {ASSET_BUCKET_BASE_NAME}-{AWS::Region} under
# {ASSET_KEY_PREFIX} (default cms-for-java/{version}/) and carry no CDK BootstrapVersion rule, so
# they deploy in any region where the assets were uploaded (deployment/upload-one-click.sh),
# without `cdk bootstrap`.
#
# Also writes permissions-boundary.template (the stack {app}-cms-permissions-boundary with the permissions
# boundary {app}-permissions-boundary that every module role carries, whatever the module selection) and
# deployer-role.template (the scoped CloudFormation role for Backstage deployments). An administrator deploys
# both once, the boundary first; they are not module stacks, so they are not in stacks.tsv.
#
# Usage: ASSET_BUCKET_BASE_NAME=<base> [ASSET_KEY_PREFIX=<prefix/>] [SKIP_BUILD=1] \
#          deployment/build-one-click.sh [<short>[,<short>...]]
# Module settings (APP_UNIQUE_ID, VPC_NAME, VPC_CIDR, ...) come from the environment as for `make synth`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
global="$root/deployment/global-s3-assets"
regional="$root/deployment/regional-s3-assets"

die() { echo "build-one-click: $*" >&2; exit 1; }

[[ -n "${ASSET_BUCKET_BASE_NAME:-}" ]] || die "set ASSET_BUCKET_BASE_NAME (the asset buckets are {ASSET_BUCKET_BASE_NAME}-{region})"
command -v jq >/dev/null || die "jq is required (apt-get install jq)"
command -v zip >/dev/null || die "zip is required (apt-get install zip)"
if [[ $# -gt 0 ]]; then
  export MODULE="$(echo "$*" | tr ' ' ',')"
fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  make -C "$root" --no-print-directory build
fi
classpath_file="$root/modules/app/target/classpath.txt"
[[ -f "$classpath_file" ]] || die "modules/app is not built; run 'make build' (or unset SKIP_BUILD)"

outdir="$(mktemp -d)"
trap 'rm -rf "$outdir"' EXIT

# One JVM synthesizes every selected module in one-click mode (see OneClick in shared-constructs).
(cd "$root" && ONE_CLICK=true CDK_OUTDIR="$outdir" \
  java -Dcms.root="$root" -cp "modules/app/target/classes:$(cat "$classpath_file")" io.cms.app.CmsApp) \
  || die "synth failed"

rm -rf "$global" "$regional"
mkdir -p "$global" "$regional"

prefix=""
: > "$global/stacks.tsv"
while IFS=$'\t' read -r id stack_name template; do
  # construct id (AuthSetup) -> short name (auth-setup)
  short="$(echo "$id" | sed -E 's/([a-z0-9])([A-Z])/\1-\2/g' | tr '[:upper:]' '[:lower:]')"
  cp "$outdir/$template" "$global/$short.template"
  if jq -e '.Rules.CheckBootstrapVersion // .Parameters.BootstrapVersion' "$global/$short.template" >/dev/null; then
    die "$short.template still has the CDK bootstrap rule; one-click mode was not applied"
  fi
  # PermissionsBoundary -> permissions-boundary.template: deployed by an administrator, not a module stack
  [[ "$id" == PermissionsBoundary ]] && continue
  printf '%s\t%s\t%s\n' "$short" "$stack_name" "$short.template" >> "$global/stacks.tsv"

  assets="$outdir/$id.assets.json"
  [[ -f "$assets" ]] || continue
  while IFS=$'\t' read -r path packaging key; do
    [[ "$path" == *.template.json ]] && continue   # the template itself is published to the global bucket
    key_prefix="${key%/*}/"
    if [[ -z "$prefix" ]]; then
      prefix="$key_prefix"
    elif [[ "$prefix" != "$key_prefix" ]]; then
      die "assets use two key prefixes: $prefix and $key_prefix"
    fi
    target="$regional/${key##*/}"
    [[ -e "$target" ]] && continue   # the same content hash is shared between stacks
    case "$packaging" in
      file) cp "$outdir/$path" "$target" ;;
      zip) (cd "$outdir/$path" && zip -q -r -X "$target" .) ;;
      *) die "unsupported asset packaging '$packaging' for $path" ;;
    esac
  done < <(jq -r '.files[] | [.source.path, .source.packaging, (.destinations[] | .objectKey)] | @tsv' "$assets")
done < <(jq -r '.artifacts | to_entries[] | select(.value.type == "aws:cloudformation:stack")
                | [.key, .value.properties.stackName, .value.properties.templateFile] | @tsv' "$outdir/manifest.json")

[[ -s "$global/stacks.tsv" ]] || die "no stack was synthesized"
[[ -f "$global/permissions-boundary.template" ]] || die "the permissions boundary stack was not synthesized"

# The scoped CloudFormation role Backstage builds pass with --role-arn (deployed once by an administrator,
# after permissions-boundary.template and before any module stack).
role_out="$outdir/deployer-role"
(cd "$root" && ONE_CLICK=true CDK_OUTDIR="$role_out" \
  java -Dcms.root="$root" -cp "modules/app/target/classes:$(cat "$classpath_file")" io.cms.app.DeployerRoleApp) \
  || die "deployer role synth failed"
cp "$role_out/DeployerRole.template.json" "$global/deployer-role.template"

# The committed source, for Backstage builds whose CodeBuild source is not the repository (CMS_SOURCE_URI).
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$root" archive --format=tar.gz --prefix=cms-for-java/ -o "$regional/cms-for-java-source.tar.gz" HEAD
fi
printf '%s\n' "${prefix:-${ASSET_KEY_PREFIX:-}}" > "$global/asset-key-prefix.txt"

echo "one-click templates (global-s3-assets):"
cut -f1,2 "$global/stacks.tsv" | sed 's/^/  /'
echo "  permissions boundary (administrator, first): permissions-boundary.template"
echo "  deployer role (administrator, second): deployer-role.template"
echo "regional assets: $(find "$regional" -type f | wc -l) file(s), upload to s3://${ASSET_BUCKET_BASE_NAME}-<region>/${prefix}"
