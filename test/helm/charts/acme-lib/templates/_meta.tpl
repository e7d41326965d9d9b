{{- define "acme.fullname" -}}
{{- .Values.app.name | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "acme.labels" -}}
app.kubernetes.io/name: {{ include "acme.fullname" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "acme.container" -}}
- name: {{ .c.name }}
  image: {{ .c.image }}
  {{- with .c.resources }}
  resources: {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
