/**
 * The built-in notification templates: the names Alertmanager's default.tmpl and email.tmpl define
 * that Vigil's integrations use (the Slack and email defaults, __subject, __text_alert_list, ...),
 * written for Vigil with the same output as Alertmanager's for the text ones, and Vigil's desktop
 * notice title and body. The user's `templates` files are parsed after these and may redefine any.
 */

/** DEFAULT_TEMPLATES_NAME is the parse name of the built-in templates: '', as Alertmanager parses its own. */
export const DEFAULT_TEMPLATES_NAME = '';

const helpers = `
{{- define "__alertmanager" }}Alertmanager{{ end }}
{{- define "__alertmanagerURL" }}{{ .ExternalURL }}/#/alerts?receiver={{ urlquery .Receiver }}{{ end }}
{{- define "__subject" -}}
[{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}]
{{- " " }}{{ join " " .GroupLabels.SortedPairs.Values }}{{ " " }}
{{- if gt (len .CommonLabels) (len .GroupLabels) }}({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ join " " .Values }}{{ end }}){{ end }}
{{- end }}
{{- define "__description" }}{{ end }}
{{- define "__text_alert_list" }}{{ range . }}Labels:
{{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Annotations:
{{ range .Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Source: {{ .GeneratorURL }}
{{ end }}{{ end }}
`;

const slack = `
{{- define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}
{{- define "slack.default.callbackid" }}{{ end }}
{{- define "slack.default.pretext" }}{{ end }}
{{- define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "slack.default.iconemoji" }}{{ end }}
{{- define "slack.default.iconurl" }}{{ end }}
{{- define "slack.default.text" }}{{ end }}
{{- define "slack.default.footer" }}{{ end }}
`;

// The e-mail body: one table per state, each alert's labels, annotations and source. It is run
// with HTML escaping (executeHTML), as Alertmanager runs it through html/template.
const email = `
{{- define "email.default.subject" }}{{ template "__subject" . }}{{ end }}
{{- define "__email_alert" -}}
<tr><td style="padding:0 0 16px 0;font-size:14px;">
<strong>Labels</strong><br>
{{- range .Labels.SortedPairs }}{{ .Name }} = {{ .Value }}<br>{{ end }}
{{- if gt (len .Annotations) 0 }}<strong>Annotations</strong><br>{{ end }}
{{- range .Annotations.SortedPairs }}{{ .Name }} = {{ .Value }}<br>{{ end }}
<a href="{{ .GeneratorURL }}">Source</a>
</td></tr>
{{- end }}
{{- define "email.default.html" -}}
<!DOCTYPE html>
<html>
<head>
<meta name="viewport" content="width=device-width">
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>{{ template "__subject" . }}</title>
</head>
<body style="margin:0;padding:24px;background:#f6f6f6;font-family:Helvetica,Arial,sans-serif;color:#222;">
<table width="100%" cellpadding="0" cellspacing="0" style="max-width:640px;margin:0 auto;background:#fff;border-radius:4px;">
<tr><td style="padding:16px;color:#fff;font-size:16px;text-align:center;background:{{ if gt (len .Alerts.Firing) 0 }}#e6522c{{ else }}#68b90f{{ end }};">
{{- len .Alerts }} alert{{ if gt (len .Alerts) 1 }}s{{ end }} for{{ range .GroupLabels.SortedPairs }} {{ .Name }}={{ .Value }}{{ end -}}
</td></tr>
<tr><td style="padding:16px;">
<table width="100%" cellpadding="0" cellspacing="0">
<tr><td style="padding:0 0 16px 0;"><a href="{{ template "__alertmanagerURL" . }}" style="display:inline-block;padding:8px 16px;background:#348eda;color:#fff;text-decoration:none;border-radius:4px;">View in {{ template "__alertmanager" . }}</a></td></tr>
{{- if gt (len .Alerts.Firing) 0 }}
<tr><td style="padding:0 0 8px 0;"><strong>[{{ len .Alerts.Firing }}] Firing</strong></td></tr>
{{- range .Alerts.Firing }}
{{ template "__email_alert" . }}
{{- end }}
{{- end }}
{{- if gt (len .Alerts.Resolved) 0 }}
{{- if gt (len .Alerts.Firing) 0 }}
<tr><td><hr></td></tr>
{{- end }}
<tr><td style="padding:0 0 8px 0;"><strong>[{{ len .Alerts.Resolved }}] Resolved</strong></td></tr>
{{- range .Alerts.Resolved }}
{{ template "__email_alert" . }}
{{- end }}
{{- end }}
</table>
</td></tr>
</table>
<p style="text-align:center;font-size:12px;color:#999;"><a href="{{ .ExternalURL }}" style="color:#999;">Sent by {{ template "__alertmanager" . }}</a></p>
</body>
</html>
{{ end }}
`;

// Vigil's desktop notices: "[FIRING:2] KubePodCrashLooping (prod)" and the alerts' summaries.
const desktop = `
{{- define "desktop.default.title" -}}
[{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}] {{ join " " .GroupLabels.SortedPairs.Values }}
{{- if and .CommonLabels.cluster (not .GroupLabels.cluster) }} ({{ .CommonLabels.cluster }}){{ end }}
{{- end }}
{{- define "__desktop_line" -}}
{{ if eq .Status "resolved" }}Resolved: {{ end }}{{ or .Annotations.summary .Annotations.description .Annotations.message (join " " (.Labels.Remove (stringSlice "alertname" "cluster")).Values) }}
{{- end }}
{{- define "desktop.default.body" -}}
{{ range $i, $a := .Alerts }}{{ if lt $i 5 }}{{ if $i }}
{{ end }}{{ template "__desktop_line" $a }}{{ end }}{{ end }}
{{- if gt (len .Alerts) 5 }}
(5 of {{ len .Alerts }} shown){{ end }}
{{- end }}
`;

/** DEFAULT_TEMPLATES is the built-in templates' text. */
export const DEFAULT_TEMPLATES = helpers + slack + email + desktop;
