{{/* The apps this chart can run: each is dist/apps/<app>/main.js in the image. */}}
{{- define "countersign.knownApps" -}}
gateway policy-evaluator approval-router notifier audit-projector
{{- end }}

{{/* Apps that use the read models, hence MongoDB; the others never open it. */}}
{{- define "countersign.readModelApps" -}}
gateway audit-projector
{{- end }}

{{- define "countersign.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "countersign.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "countersign.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "countersign.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "countersign.labels" -}}
helm.sh/chart: {{ include "countersign.chart" . }}
app.kubernetes.io/name: {{ include "countersign.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: countersign
{{- end }}

{{/* Per-app helpers take (dict "root" $ "app" <name> "spec" <values.apps.name>). */}}
{{- define "countersign.appName" -}}
{{- printf "%s-%s" (include "countersign.fullname" .root) .app | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "countersign.selectorLabels" -}}
app.kubernetes.io/name: {{ include "countersign.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .app }}
{{- end }}

{{- define "countersign.appLabels" -}}
{{ include "countersign.labels" .root }}
app.kubernetes.io/component: {{ .app }}
{{- end }}

{{/* Which workspace directories come from a ConfigMap (the rest: the demo one in the image). */}}
{{- define "countersign.workspaceKinds" -}}
{{- range $kind := list "principals" "policies" }}
{{- $w := index $.Values.workspace $kind }}
{{- if or $w.existingConfigMap $w.files }}{{ $kind }} {{ end }}
{{- end }}
{{- end }}

{{- define "countersign.workspaceConfigMap" -}}
{{- $w := index .root.Values.workspace .kind }}
{{- default (printf "%s-%s" (include "countersign.fullname" .root) .kind) $w.existingConfigMap }}
{{- end }}
