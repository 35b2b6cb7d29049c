{{/* The pod of one app; takes (dict "root" $ "app" <name> "spec" <values.apps.name>). */}}
{{- define "countersign.podSpec" -}}
{{- $root := .root }}
{{- $kinds := splitList " " (include "countersign.workspaceKinds" $root | trim) | compact -}}
automountServiceAccountToken: false
terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if $kinds }}
initContainers:
  # ConfigMap volumes hold their files as symlinks; copy them into a plain directory the app reads.
  - name: workspace
    image: {{ include "countersign.image" $root }}
    imagePullPolicy: {{ $root.Values.image.pullPolicy }}
    command:
      - sh
      - -c
      - |
        set -eu
        {{- range $kind := $kinds }}
        mkdir -p /workspace/{{ $kind }}
        for f in /configmaps/{{ $kind }}/*.yaml /configmaps/{{ $kind }}/*.yml; do
          if [ -e "$f" ]; then cp -L "$f" /workspace/{{ $kind }}/; fi
        done
        {{- end }}
    securityContext:
      {{- toYaml $root.Values.securityContext | nindent 6 }}
    resources:
      requests: { cpu: 10m, memory: 16Mi }
      limits: { memory: 64Mi }
    volumeMounts:
      - name: workspace
        mountPath: /workspace
      {{- range $kind := $kinds }}
      - name: workspace-{{ $kind }}
        mountPath: /configmaps/{{ $kind }}
        readOnly: true
      {{- end }}
{{- end }}
containers:
  - name: {{ .app }}
    image: {{ include "countersign.image" $root }}
    imagePullPolicy: {{ $root.Values.image.pullPolicy }}
    # The app's bundle, run by the image's Node directly (PID 1, gets SIGTERM).
    command: ["node", "dist/apps/{{ .app }}/main.js"]
    envFrom:
      - configMapRef:
          name: {{ include "countersign.fullname" $root }}-env
    env:
      # One id per pod: the Kafka client id, and for the approval router its transactional id.
      - name: COUNTERSIGN_INSTANCE_ID
        valueFrom:
          fieldRef:
            fieldPath: metadata.name
      - name: OTEL_SERVICE_NAME
        value: countersign-{{ .app }}
      {{- if has .app (splitList " " (include "countersign.readModelApps" $root)) }}
      - name: COUNTERSIGN_MONGO_URL
        valueFrom:
          secretKeyRef:
            name: {{ required "mongo.urlSecret.name: a Secret holding the MongoDB connection string" $root.Values.mongo.urlSecret.name }}
            key: {{ $root.Values.mongo.urlSecret.key }}
      {{- end }}
      {{- if eq .app "gateway" }}
      - name: COUNTERSIGN_GATEWAY_SIGNING_KEY
        value: /etc/countersign/keys/gateway.pem
      - name: COUNTERSIGN_GRANT_KEYS
        value: /etc/countersign/grants/grant-keys.json
      {{- end }}
      {{- if has .app (list "gateway" "audit-projector") }}
      - name: COUNTERSIGN_CHECKPOINT_KEYS
        value: /etc/countersign/checkpoints/checkpoint-keys.json
      {{- end }}
      {{- if eq .app "policy-evaluator" }}
      - name: COUNTERSIGN_GATEWAY_VERIFY_KEY
        value: /etc/countersign/keys/gateway.pub.pem
      {{- end }}
      {{- with $root.Values.extraEnv }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    ports:
      - name: http
        containerPort: 8080
        protocol: TCP
    startupProbe:
      httpGet: { path: /healthz, port: http }
      {{- toYaml $root.Values.probes.startup | nindent 6 }}
    livenessProbe:
      httpGet: { path: /healthz, port: http }
      {{- toYaml $root.Values.probes.liveness | nindent 6 }}
    readinessProbe:
      httpGet: { path: /readyz, port: http }
      {{- toYaml $root.Values.probes.readiness | nindent 6 }}
    resources:
      {{- toYaml .spec.resources | nindent 6 }}
    securityContext:
      {{- toYaml $root.Values.securityContext | nindent 6 }}
    volumeMounts:
      # The root filesystem is read-only; Node and libraries may still want a temp dir.
      - name: tmp
        mountPath: /tmp
      {{- if has .app (list "gateway" "policy-evaluator") }}
      - name: gateway-key
        mountPath: /etc/countersign/keys
        readOnly: true
      {{- end }}
      {{- if eq .app "gateway" }}
      - name: grant-keys
        mountPath: /etc/countersign/grants
        readOnly: true
      {{- end }}
      {{- if has .app (list "gateway" "audit-projector") }}
      - name: checkpoint-keys
        mountPath: /etc/countersign/checkpoints
        readOnly: true
      {{- end }}
      {{- if $kinds }}
      - name: workspace
        mountPath: /etc/countersign/workspace
        readOnly: true
      {{- end }}
volumes:
  - name: tmp
    emptyDir: { sizeLimit: 64Mi }
  {{- if has .app (list "gateway" "policy-evaluator") }}
  # The gateway's signing key (ADR 0002): the private key for gateways, the public key for evaluators.
  - name: gateway-key
    secret:
      secretName: {{ required "proposals.gatewayKeySecret.name: a Secret holding the gateway's Ed25519 key pair" $root.Values.proposals.gatewayKeySecret.name }}
      # Readable by the pod's group (fsGroup), since the files belong to root.
      defaultMode: 0440
      items:
        {{- if eq .app "gateway" }}
        - key: {{ $root.Values.proposals.gatewayKeySecret.privateKey }}
          path: gateway.pem
        {{- else }}
        - key: {{ $root.Values.proposals.gatewayKeySecret.publicKey }}
          path: gateway.pub.pem
        {{- end }}
  {{- end }}
  {{- if eq .app "gateway" }}
  # The grant key file (docs/sdk.md): gateways only.
  - name: grant-keys
    secret:
      secretName: {{ required "grants.keySecret.name: a Secret holding the grant key file" $root.Values.grants.keySecret.name }}
      defaultMode: 0440
      items:
        - key: {{ $root.Values.grants.keySecret.key }}
          path: grant-keys.json
  {{- end }}
  {{- if has .app (list "gateway" "audit-projector") }}
  # The checkpoint key file (ADR 0007): audit projectors sign with it, gateways publish its public keys.
  - name: checkpoint-keys
    secret:
      secretName: {{ required "checkpoints.keySecret.name: a Secret holding the checkpoint key file" $root.Values.checkpoints.keySecret.name }}
      defaultMode: 0440
      items:
        - key: {{ $root.Values.checkpoints.keySecret.key }}
          path: checkpoint-keys.json
  {{- end }}
  {{- if $kinds }}
  - name: workspace
    emptyDir: { sizeLimit: 16Mi }
  {{- range $kind := $kinds }}
  - name: workspace-{{ $kind }}
    configMap:
      name: {{ include "countersign.workspaceConfigMap" (dict "root" $root "kind" $kind) }}
  {{- end }}
  {{- end }}
{{- with $root.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
