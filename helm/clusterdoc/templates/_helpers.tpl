{{/*
Labels on every object. The selector labels alone pick the operator's pods: they never change across upgrades,
because a Deployment's selector is immutable.
*/}}
{{- define "clusterdoc.selectorLabels" -}}
app.kubernetes.io/name: clusterdoc
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "clusterdoc.labels" -}}
{{ include "clusterdoc.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}
