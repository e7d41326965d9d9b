{{- define "picky.web" -}}
containerPort: {{ .Values.port }}
{{- end }}
