{{- define "acme.workload" -}}
{{- $main := .Values.app.containers.main -}}
{{- $hpa := .Values.scaling.hpa -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "acme.fullname" . }}
  labels:
    {{- include "acme.labels" . | nindent 4 }}
    tier: backend
spec:
  {{- if not $hpa.active }}
  replicas: {{ .Values.app.replicas }}
  {{- end }}
  selector:
    matchLabels: {app.kubernetes.io/name: {{ include "acme.fullname" . }}}
  template:
    metadata:
      labels:
        {{- include "acme.labels" . | nindent 8 }}
    spec:
      initContainers:
        {{- range .Values.app.bootstrap }}
        {{- include "acme.container" (dict "c" .) | nindent 8 }}
        {{- end }}
      containers:
        - name: main
          image: "{{ .Values.app.image.repo }}:{{ .Values.app.image.tag }}"
          ports:
            - containerPort: {{ $main.port }}
          resources:
            {{- toYaml $main.resources | nindent 12 }}
        {{- range .Values.app.sidecarList }}
        {{- include "acme.container" (dict "c" .) | nindent 8 }}
        {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "acme.fullname" . }}
spec:
  type: {{ .Values.expose.kind | default "ClusterIP" }}
  ports:
    - port: {{ .Values.app.containers.main.port }}
{{- if .Values.traffic.policy.enabled }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "acme.fullname" . }}
spec:
  podSelector:
    matchLabels: {app.kubernetes.io/name: {{ include "acme.fullname" . }}}
  policyTypes: [Ingress]
  ingress:
    {{- range .Values.traffic.policy.allowFrom }}
    - from:
        - podSelector:
            matchLabels: {app.kubernetes.io/name: {{ . }}}
    {{- end }}
{{- end }}
{{- if $hpa.active }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "acme.fullname" . }}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: {{ include "acme.fullname" . }}}
  minReplicas: {{ $hpa.min }}
  maxReplicas: {{ $hpa.max }}
{{- end }}
{{- end }}
