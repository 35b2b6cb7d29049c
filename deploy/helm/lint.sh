#!/usr/bin/env bash
# Lints the chart and renders it with the default values and with a custom workspace, so template
# errors show up without a cluster. Needs `helm` on PATH (or HELM=/path/to/helm); no cluster.
#   deploy/helm/lint.sh
# Not part of the test suite (test/deploy/helm.spec.ts checks the chart's files without helm).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHART=$HERE/countersign
HELM=${HELM:-helm}
# A helm built with `go install` reports Kubernetes v1.20 as its default; the chart needs >= 1.25.
KUBE_VERSION=${KUBE_VERSION:-1.30.0}
command -v "$HELM" >/dev/null || { echo "lint.sh: helm not found (set HELM=/path/to/helm)" >&2; exit 2; }

CUSTOM=$(mktemp)
trap 'rm -f "$CUSTOM"' EXIT
cat >"$CUSTOM" <<'VALUES'
kafka: { brokers: "kafka-0.kafka:9092,kafka-1.kafka:9092", namespace: staging }
otel: { endpoint: "http://otel-collector.observability:4318" }
workspace:
  principals: { existingConfigMap: my-principals }
  policies: { files: { "main.yaml": "# policies\n" } }
apps:
  approval-router: { workload: Deployment, replicas: 3 }
VALUES

"$HELM" lint "$CHART" --strict --kube-version "$KUBE_VERSION"
"$HELM" lint "$CHART" --strict --kube-version "$KUBE_VERSION" -f "$CUSTOM"
"$HELM" template lint "$CHART" --kube-version "$KUBE_VERSION" >/dev/null
"$HELM" template lint "$CHART" --kube-version "$KUBE_VERSION" -f "$CUSTOM" >/dev/null
# Values that must be refused.
for bad in 'apps.unknown.replicas=1' 'apps.gateway.workload=DaemonSet' 'mongo.urlSecret.name='; do
  if "$HELM" template lint "$CHART" --kube-version "$KUBE_VERSION" --set "$bad" >/dev/null 2>&1; then
    echo "lint.sh: --set $bad rendered, but should have been refused" >&2; exit 1
  fi
done
echo "lint.sh: chart OK (lint + template, default and custom values)"
