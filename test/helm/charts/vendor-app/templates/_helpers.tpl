{{- define "vendor-app.labels" -}}
app.kubernetes.io/name: vendor-app
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
