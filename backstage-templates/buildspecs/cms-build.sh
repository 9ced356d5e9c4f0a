#!/usr/bin/env bash
# Shared by deploy/update/teardown.buildspec.yaml: finds the CMS for Java source, then runs the
# same scripts a person runs by hand (deployment/build-one-click.sh, upload-one-click.sh, stack.sh).
#
# Environment (from the CodeBuild project, or the build parameters the template stores):
#   CMS_MODULE                module short name (set by every template)
#   CLOUDFORMATION_ROLE_ARN   the scoped deployer role (project environment)
#   ASSET_BUCKET_BASE_NAME    asset buckets are {base}-{region} (project environment)
#   CMS_SOURCE_URI            s3:// URI of a source archive (zip or tar.gz) of this repository;
#                             not needed when the build's own source is the repository
#   module settings           APP_UNIQUE_ID, VPC_NAME, ... (build parameters)
set -euo pipefail

action="${1:?usage: cms-build.sh deploy|update|teardown}"
die() { echo "cms-build: $*" >&2; exit 1; }
[[ -n "${CMS_MODULE:-}" ]] || die "CMS_MODULE is not set; the Backstage template stores it as a build parameter"

src="${CODEBUILD_SRC_DIR:-$PWD}"
if [[ ! -f "$src/pom.xml" || ! -x "$src/deployment/stack.sh" ]]; then
  [[ -n "${CMS_SOURCE_URI:-}" ]] || die "the build source is not the CMS repository; set CMS_SOURCE_URI to an s3:// source archive"
  src="$(mktemp -d)"
  archive="$src.archive"
  aws s3 cp "$CMS_SOURCE_URI" "$archive" --only-show-errors
  case "$CMS_SOURCE_URI" in
    *.zip) unzip -q "$archive" -d "$src" ;;
    *.tar.gz|*.tgz) tar -xzf "$archive" -C "$src" ;;
    *) die "CMS_SOURCE_URI must end with .zip, .tar.gz or .tgz" ;;
  esac
  # archives made by `git archive --prefix=<dir>/` hold one top folder
  if [[ ! -f "$src/pom.xml" ]] && [[ "$(find "$src" -mindepth 1 -maxdepth 1 | wc -l)" == 1 ]]; then
    src="$(find "$src" -mindepth 1 -maxdepth 1 -type d)"
  fi
  [[ -f "$src/pom.xml" ]] || die "$CMS_SOURCE_URI does not contain the CMS repository (no pom.xml at its root)"
fi
cd "$src"

case "$action" in
  deploy|update)
    deployment/build-one-click.sh "$CMS_MODULE"
    deployment/upload-one-click.sh
    deployment/stack.sh "$action" "$CMS_MODULE"
    ;;
  teardown)
    deployment/stack.sh teardown "$CMS_MODULE"
    ;;
  *) die "unknown action '$action'" ;;
esac
